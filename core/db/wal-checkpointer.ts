// Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits runs a checkpoint
// whenever the WAL passes 1,000 pages: it copies the pages into the database file and fsyncs, inside that COMMIT,
// on the main thread, which under thousands of writes a second is about half of all commit time. Once a database
// is busy (CHECKPOINTER_AFTER commits) a worker thread with its own connection takes over: after commits it runs
// PASSIVE checkpoints, which never block the writer. Durability does not change (each commit is still written to
// the WAL before its writes resolve); only who copies the WAL into the database file does. The main connection
// keeps a high automatic threshold as a safety net should the worker fall behind or die.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

/** Commits before the worker is started: small databases (tests, a quiet desktop) never need it. */
const CHECKPOINTER_AFTER = 200;
/** The main connection's own threshold once the worker runs (pages, 4 KiB each). */
const SAFETY_PAGES = 16_000;

// Plain CommonJS so the worker needs no TypeScript loader; better-sqlite3 is resolved by the parent.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
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
  let inFlight = false;
  let again = false;
  let closed = false;

  function start() {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, file } });
    w.unref();
    w.on('message', () => {
      inFlight = false;
      if (again && !closed) request();
    });
    // A failed worker leaves checkpoints to the main connection again, as before it started.
    w.on('error', () => { worker = null; sqlite.pragma('wal_autocheckpoint = 1000'); });
    worker = w;
    sqlite.pragma(`wal_autocheckpoint = ${SAFETY_PAGES}`);
  }

  function request() {
    again = false;
    inFlight = true;
    worker!.postMessage('checkpoint');
  }

  return {
    committed() {
      if (closed) return;
      if (worker === null) {
        if (++commits === CHECKPOINTER_AFTER) start();
        return;
      }
      if (inFlight) again = true;
      else request();
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (!w) return;
      const exited = new Promise<void>((r) => w.once('exit', () => r()));
      w.postMessage('close');
      const timer = setTimeout(() => void w.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
