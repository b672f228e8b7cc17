// Idempotent requests on the agent: a request id runs once, whether it is retried while running, after it
// finished, or after the agent process restarted in the middle of it.
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestJournal } from './request-journal';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(path.join(os.tmpdir(), 'sjr-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('request journal', () => {
  it('joins a retry to the run in progress and answers later retries from the record', async () => {
    const j = new RequestJournal({ dir: tmp() });
    let runs = 0;
    let release!: () => void;
    const work = () => { runs++; return new Promise<string>((r) => { release = () => r('started vm'); }); };
    const first = j.run('req-1', work);
    const retry = j.run('req-1', work);
    release();
    expect(await first).toEqual({ ok: true, result: 'started vm' });
    expect(await retry).toEqual({ ok: true, result: 'started vm' });
    expect(await j.run('req-1', work)).toEqual({ ok: true, result: 'started vm' });
    expect(runs).toBe(1);
  });

  it('records failures as data and does not run them again', async () => {
    const j = new RequestJournal({ dir: null });
    let runs = 0;
    const fail = async () => { runs++; throw new Error('disk full'); };
    expect(await j.run('req-2', fail)).toEqual({ ok: false, error: { message: 'disk full', code: 'failed' } });
    expect(await j.run('req-2', fail)).toEqual({ ok: false, error: { message: 'disk full', code: 'failed' } });
    expect(runs).toBe(1);
  });

  it('survives an agent restart: done requests answer from disk, interrupted ones are not run again', async () => {
    const dir = tmp();
    const before = new RequestJournal({ dir });
    await before.run('done-1', async () => ({ path: 'vol.qcow2' }));
    void before.run('cut-1', () => new Promise(() => undefined)); // the process "dies" while this runs
    const after = new RequestJournal({ dir });
    let runs = 0;
    expect(await after.run('done-1', async () => { runs++; return 'again'; })).toEqual({ ok: true, result: { path: 'vol.qcow2' } });
    const cut = await after.run('cut-1', async () => { runs++; return 'again'; });
    expect(cut).toMatchObject({ ok: false, error: { code: 'interrupted' } });
    expect(runs).toBe(0);
  });

  it('refuses ids that could escape its directory', async () => {
    const j = new RequestJournal({ dir: tmp() });
    expect(await j.run('../../etc/passwd', async () => 1)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('forgets entries after the ttl, in memory and on disk', async () => {
    const dir = tmp();
    let now = 1_000_000;
    const j = new RequestJournal({ dir, ttlMs: 1000, now: () => now });
    await j.run('old', async () => 1);
    const old = (Date.now() - 5000) / 1000;
    utimesSync(path.join(dir, 'old.json'), old, old);
    now += 5000;
    await j.run('new', async () => 2);
    j.prune();
    expect(j.size()).toBe(1);
    expect(readdirSync(dir)).toEqual(['new.json']);
  });
});
