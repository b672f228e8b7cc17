// The agent's memory of recent requests, by idempotency id, so that a request the server sends again after a
// reconnect is never run twice:
// - still running: the retry waits for the same run and gets its answer;
// - finished: the retry gets the recorded answer (result or error);
// - started by a previous agent process that died before finishing: the retry gets an `interrupted` error, since
//   the call may have done part of its work; the server then reconciles with what the host reports.
// Entries live in memory and, when a directory is given, as one small JSON file per request (written at start
// and at the end), so the last case survives an agent restart. Entries expire after `ttlMs` (the server's retry
// window is far shorter).
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WireError } from './protocol';

type Outcome = { ok: true; result: unknown } | { ok: false; error: WireError };

interface Entry { at: number; running?: Promise<Outcome>; outcome?: Outcome }

export interface RequestJournalOptions {
  /** Where entries are kept across agent restarts; null keeps them in memory only. */
  dir: string | null;
  ttlMs?: number;
  now?: () => number;
}

const ID = /^[A-Za-z0-9_-]{1,100}$/;

export class RequestJournal {
  private readonly mem = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly o: RequestJournalOptions) {
    this.ttlMs = o.ttlMs ?? 15 * 60_000;
    this.now = o.now ?? Date.now;
    if (o.dir) mkdirSync(o.dir, { recursive: true });
  }

  /** Runs `fn` for request `id` at most once; every call with that id resolves with the one outcome. */
  run(id: string, fn: () => Promise<unknown>): Promise<Outcome> {
    if (!ID.test(id)) return Promise.resolve({ ok: false, error: { message: `Invalid request id ${JSON.stringify(id)}`, code: 'bad-request' } });
    const hit = this.mem.get(id);
    if (hit?.running) return hit.running;
    if (hit?.outcome) return Promise.resolve(hit.outcome);
    const stored = this.read(id);
    if (stored !== null) {
      const outcome: Outcome = stored.state === 'done' && stored.outcome ? stored.outcome : {
        ok: false,
        error: { code: 'interrupted', message: 'The agent restarted while running this request; it was not run again and its outcome is unknown' },
      };
      this.mem.set(id, { at: this.now(), outcome });
      return Promise.resolve(outcome);
    }
    const entry: Entry = { at: this.now() };
    this.write(id, { state: 'started' });
    entry.running = (async (): Promise<Outcome> => {
      try {
        return { ok: true, result: await fn() };
      } catch (e) {
        return { ok: false, error: { message: e instanceof Error ? e.message : String(e), code: 'failed' } };
      }
    })().then((outcome) => {
      entry.outcome = outcome;
      entry.running = undefined;
      entry.at = this.now();
      this.write(id, { state: 'done', outcome });
      return outcome;
    });
    this.mem.set(id, entry);
    return entry.running;
  }

  /** Forgets entries older than the ttl (never a running one). */
  prune(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [id, e] of this.mem) if (!e.running && e.at < cutoff) this.mem.delete(id);
    if (!this.o.dir) return;
    const fileCutoff = Date.now() - this.ttlMs; // file times are wall-clock times
    let names: string[];
    try { names = readdirSync(this.o.dir); } catch { return; }
    for (const n of names) {
      const f = path.join(this.o.dir, n);
      try {
        if (statSync(f).mtimeMs < fileCutoff && !this.mem.get(n.replace(/\.json$/, ''))?.running) rmSync(f, { force: true });
      } catch { /* removed meanwhile */ }
    }
  }

  size(): number { return this.mem.size; }

  private file(id: string): string | null { return this.o.dir ? path.join(this.o.dir, `${id}.json`) : null; }

  private read(id: string): { state: 'started' | 'done'; outcome?: Outcome } | null {
    const f = this.file(id);
    if (f === null) return null;
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as { state: 'started' | 'done'; outcome?: Outcome };
    } catch {
      return null;
    }
  }

  private write(id: string, v: object): void {
    const f = this.file(id);
    if (f === null) return;
    try {
      writeFileSync(f, JSON.stringify(v));
    } catch {
      // A full disk must not fail the call itself; the retry then just finds no record.
    }
  }
}
