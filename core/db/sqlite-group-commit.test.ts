// The group-commit driver: writes are durable when they resolve, transactions stay isolated from other callers,
// a failing statement undoes only itself, and two connections to one file never deadlock the event loop.
import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openDatabase, type OpenedDb } from './connect';

let dir: string;
const opened: OpenedDb[] = [];
async function open() {
  const o = await openDatabase(join(dir, 'g.db'));
  opened.push(o);
  return o.db;
}
const cfg = (name: string) => ({ name, value: name });

afterEach(async () => {
  for (const o of opened.splice(0)) await o.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('group commit sqlite driver', () => {
  it('a resolved write is committed: another connection sees it at once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-'));
    const db = await open();
    await Promise.all(Array.from({ length: 200 }, (_, i) => db.insertInto('configurations').values(cfg(`k${i}`)).execute()));
    const raw = new SqliteDatabase(join(dir, 'g.db'), { readonly: true });
    expect((raw.prepare('select count(*) n from configurations').get() as { n: number }).n).toBe(200);
    raw.close();
  });

  it('a rolled-back transaction undoes only its own writes, and nobody else writes inside it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-'));
    const db = await open();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('configurations').values(cfg('in-tx')).execute();
      await gate;
      throw new Error('abort');
    });
    await new Promise((r) => setTimeout(r, 5));
    const outside = db.insertInto('configurations').values(cfg('outside')).execute();
    release();
    await expect(tx).rejects.toThrow('abort');
    await outside;
    const names = (await db.selectFrom('configurations').select('name').execute()).map((r) => r.name);
    expect(names).toEqual(['outside']);
  });

  it('a failing statement is undone alone; the other writes of its group commit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-'));
    const db = await open();
    await db.insertInto('configurations').values(cfg('dup')).execute();
    const results = await Promise.allSettled([
      db.insertInto('configurations').values(cfg('a')).execute(),
      db.insertInto('configurations').values(cfg('dup')).execute(),
      db.insertInto('configurations').values(cfg('b')).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const names = (await db.selectFrom('configurations').select('name').orderBy('name').execute()).map((r) => r.name);
    expect(names).toEqual(['a', 'b', 'dup']);
  });

  it('two connections to one file take turns without blocking the event loop', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-'));
    const a = await open();
    const b = await open();
    await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).insertInto('configurations').values(cfg(`x${i}`)).execute()));
    expect((await a.selectFrom('configurations').select('name').execute())).toHaveLength(100);
  });

  it('transactions queued behind another one each run alone and all commit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-'));
    const db = await open();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const first = db.transaction().execute(async (trx) => {
      await trx.insertInto('configurations').values(cfg('first')).execute();
      await gate;
    });
    await new Promise((r) => setTimeout(r, 5));
    // These all wait for `first`, then wake together: each must still get the database to itself.
    const queued = Array.from({ length: 50 }, (_, i) => db.transaction().execute(async (trx) => {
      await trx.insertInto('configurations').values(cfg(`t${i}a`)).execute();
      await trx.insertInto('configurations').values(cfg(`t${i}b`)).execute();
    }));
    const writes = Array.from({ length: 20 }, (_, i) => db.insertInto('configurations').values(cfg(`w${i}`)).execute());
    release();
    await Promise.all([first, ...queued, ...writes]);
    expect(await db.selectFrom('configurations').select('name').execute()).toHaveLength(1 + 100 + 20);
  });

  it('a busy database checkpoints in a worker thread and still closes cleanly, with every write in the file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-'));
    const o = await openDatabase(join(dir, 'g.db'));
    // Enough separate commits to start the checkpoint worker (wal-checkpointer.ts).
    for (let i = 0; i < 260; i++) await o.db.insertInto('configurations').values(cfg(`c${i}`)).execute();
    await new Promise((r) => setTimeout(r, 50));
    await o.close();
    // The worker's connection was closed first, so the main one was the last: it folded the WAL into the file.
    expect(existsSync(join(dir, 'g.db-wal'))).toBe(false);
    const raw = new SqliteDatabase(join(dir, 'g.db'), { readonly: true });
    expect((raw.prepare('select count(*) n from configurations').get() as { n: number }).n).toBe(260);
    raw.close();
  });
});
