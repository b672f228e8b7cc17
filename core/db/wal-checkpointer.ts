// Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits runs a checkpoint
// whenever the WAL passes 1,000 pages: it copies the pages into the database file and fsyncs, inside that COMMIT,
// on the main thread, which under thousands of writes a second is about half of all commit time. Once a database
// is busy (CHECKPOINTER_AFTER commits) a worker thread with its own connection, at a lower OS priority, takes
// over: after commits (at most every MIN_INTERVAL_MS) it runs PASSIVE checkpoints, which never block the writer.
// Durability does not change (each commit is still written to the WAL before its writes resolve); only who copies
// the WAL into the database file does. The main connection keeps a high automatic threshold (SAFETY_PAGES) as a
// safety net should the worker fall behind or die; under sustained writes the WAL file grows up to about that size,
// because the writer restarts it only when it finds every frame already copied.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

/** Commits before the worker is started: small databases (tests, a quiet desktop) never need it. */
const CHECKPOINTER_AFTER = 200;
/** The main connection's own threshold once the worker runs (pages, 4 KiB each). */
const SAFETY_PAGES = 10_000;
/** At most one checkpoint request per this many ms: each wakes the worker thread, which costs the main thread. */
const MIN_INTERVAL_MS = 25;

// Plain CommonJS so the worker needs no TypeScript loader; better-sqlite3 is resolved by the parent.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
// Background work: on Linux, lower this thread's priority so waking it never preempts the event loop.
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) require('node:os').setPriority(tid, 10);
} catch { /* other systems: normal priority */ }
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next request tries again */ }
  parentPort.postMessage('done');
});
`;

export interface Checkpointer {
  /** Called after every successful COMMIT of the main connection. */
  committed(): void;
  /** Stops the worker (its connection closed) before the main connection closes. */
  close(): Promise<void>;
}

export function createCheckpointer(sqlite: Database.Database, file: string): Checkpointer {
  let commits = 0;
  let worker: Worker | null = null;
  let exited: Promise<void> = Promise.resolve();
  let inFlight = false;
  let lastRequest = 0;
  let closed = false;

  /** Without the worker, checkpoints are the main connection's again, as before it started. */
  function fallBack() {
    worker = null;
    if (!closed) try { sqlite.pragma('wal_autocheckpoint = 1000'); } catch { /* closed meanwhile */ }
  }

  function start() {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, file } });
    w.unref();
    w.on('message', () => { inFlight = false; });
    w.on('error', () => { if (worker === w) fallBack(); });
    exited = new Promise<void>((r) => w.once('exit', () => { if (worker === w) fallBack(); r(); }));
    worker = w;
    sqlite.pragma(`wal_autocheckpoint = ${SAFETY_PAGES}`);
  }

  return {
    committed() {
      if (closed) return;
      if (worker === null) {
        if (++commits === CHECKPOINTER_AFTER) {
          try { start(); } catch { fallBack(); } // no worker threads here: the main connection keeps checkpointing
        }
        return;
      }
      // A busy database commits again soon: frames left for now are taken by a later request.
      if (inFlight) return;
      const now = Date.now();
      if (now - lastRequest < MIN_INTERVAL_MS) return;
      lastRequest = now;
      inFlight = true;
      worker.postMessage('checkpoint');
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (!w) return;
      w.postMessage('close');
      const timer = setTimeout(() => void w.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
