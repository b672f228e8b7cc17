// Precompiled queries give the same answers as the Kysely queries they are built from, on the real SQLite driver,
// inside and outside transactions; and time-ordered ids are valid, unique UUIDs that sort by creation time.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type OpenedDb } from './connect';
import { allColumns, precompiled, precompiledIn, precompiledInsert, precompiledInsertMany, precompiledTransaction, precompiledUpdate, selectArrays } from './precompiled';
import { timeOrderedId } from './ids';
import type { EventTable } from './schema';

let dir: string;
let opened: OpenedDb | null = null;
async function open() {
  dir = mkdtempSync(join(tmpdir(), 'pc-'));
  opened = await openDatabase(join(dir, 'p.db'));
  return opened.db;
}
afterEach(async () => {
  await opened?.close();
  opened = null;
  rmSync(dir, { recursive: true, force: true });
});

const getConfig = precompiled((db, p: { name: string }) => db.selectFrom('configurations').select(['name', 'value']).where('name', '=', p.name));
const insertConfig = precompiledInsert('configurations');
const setConfig = precompiledUpdate('configurations', (qb, w: { name: string; was: string }) =>
  qb.where('name', '=', w.name).where('value', '=', w.was));
const appendConfig = precompiled((db, p: { name: string; suffix: string }) =>
  sql`update configurations set value = value || ${p.suffix} where name = ${p.name}`);

type EventRow = Omit<EventTable, 'seq'>;
const EVENT_COLUMNS = allColumns<EventRow>()(['id', 'type', 'level', 'description', 'state', 'user_id', 'account_id',
  'domain_id', 'resource_id', 'resource_type', 'resource_name', 'parent_id', 'created', 'archived']);
const insertEvents = precompiledInsertMany('events', EVENT_COLUMNS, 8);
const event = (i: number): EventRow => ({ id: `e${i}`, type: 'VM.START', level: 'INFO', description: `event ${i}`,
  state: 'Completed', user_id: null, account_id: 'a', domain_id: 'd', resource_id: null, resource_type: null,
  resource_name: null, parent_id: null, created: i, archived: 0 });

describe('precompiled queries', () => {
  it('select, insert, conditional update and sql templates take fresh values on every run', async () => {
    const db = await open();
    expect(await insertConfig(db, { name: 'a', value: '1' })).toBe(1);
    expect(await insertConfig(db, { name: 'b', value: '2' })).toBe(1);
    expect(await getConfig.first(db, { name: 'b' })).toEqual({ name: 'b', value: '2' });
    expect(await getConfig.first(db, { name: 'zzz' })).toBeUndefined();
    // The condition decides: a stale expected value changes nothing.
    expect(await setConfig(db, { value: '3' }, { name: 'a', was: '9' })).toBe(0);
    expect(await setConfig(db, { value: '3' }, { name: 'a', was: '1' })).toBe(1);
    expect(await appendConfig.run(db, { name: 'a', suffix: '4' })).toBe(1);
    expect(await db.selectFrom('configurations').select('value').where('name', '=', 'a').executeTakeFirst()).toEqual({ value: '34' });
  });

  it('works inside a transaction, and a rollback undoes it', async () => {
    const db = await open();
    await expect(db.transaction().execute(async (tx) => {
      await insertConfig(tx, { name: 'in-tx', value: 'x' });
      expect(await getConfig.first(tx, { name: 'in-tx' })).toEqual({ name: 'in-tx', value: 'x' });
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect(await getConfig.first(db, { name: 'in-tx' })).toBeUndefined();
  });

  it('precompiledTransaction commits its statements together and undoes them all when it fails', async () => {
    const db = await open();
    await precompiledTransaction(db, async (tx) => {
      await insertConfig(tx, { name: 'a', value: '1' });
      await insertConfig(tx, { name: 'b', value: '2' });
    });
    await expect(precompiledTransaction(db, async (tx) => {
      await setConfig(tx, { value: 'changed' }, { name: 'a', was: '1' });
      await insertConfig(tx, { name: 'b', value: 'duplicate' }); // primary key: fails
    })).rejects.toThrow();
    expect(await db.selectFrom('configurations').selectAll().orderBy('name').execute())
      .toEqual([{ name: 'a', value: '1' }, { name: 'b', value: '2' }]);
  });

  it('leaves out columns whose value is undefined, as Kysely does, and rejects a missing where value', async () => {
    const db = await open();
    await insertConfig(db, { name: 'a', value: '1' });
    expect(await setConfig(db, { value: undefined, name: 'renamed' }, { name: 'a', was: '1' })).toBe(1);
    expect(await getConfig.first(db, { name: 'renamed' })).toEqual({ name: 'renamed', value: '1' });
    await expect(getConfig.first(db, {} as { name: string })).rejects.toThrow(/no value for "name"/);
  });

  it('multi-row inserts store every row of any batch size, all or nothing', async () => {
    const db = await open();
    await insertEvents(db, Array.from({ length: 23 }, (_, i) => event(i))); // 8 + 8 + 4 + 2 + 1 rows
    await insertEvents(db, [event(100)]);
    const rows = await db.selectFrom('events').selectAll().orderBy('created').execute();
    expect(rows.map((r) => r.created)).toEqual([...Array.from({ length: 23 }, (_, i) => i), 100]);
    expect(rows[5]).toMatchObject({ id: 'e5', description: 'event 5', account_id: 'a', resource_id: null });
    // A failing row (NOT NULL type) rejects the batch and leaves none of its rows behind.
    const bad = Array.from({ length: 11 }, (_, i) => event(200 + i));
    bad[9] = { ...bad[9], type: null as never };
    await expect(insertEvents(db, bad)).rejects.toThrow();
    expect(await db.selectFrom('events').select('id').where('created', '>=', 200).execute()).toEqual([]);
  });
});

const configsIn = precompiledIn((db, names, p: { prefix: string }) => db.selectFrom('configurations').select(['name', 'value'])
  .where('name', 'in', names).where('value', 'like', p.prefix).orderBy('name'), 8);

describe('precompiledIn', () => {
  it('answers for any number of ids, padded or in chunks, with fresh values each run', async () => {
    const db = await open();
    await db.insertInto('configurations').values(Array.from({ length: 20 }, (_, i) => ({ name: `k${String(i).padStart(2, '0')}`, value: `v${i}` }))).execute();
    expect(await configsIn(db, [], { prefix: 'v%' })).toEqual([]);
    // 3 ids run on the 4-id template (the last one repeated): each row once.
    expect(await configsIn(db, ['k02', 'k00', 'k07'], { prefix: 'v%' })).toEqual([
      { name: 'k00', value: 'v0' }, { name: 'k02', value: 'v2' }, { name: 'k07', value: 'v7' }]);
    expect(await configsIn(db, ['k01'], { prefix: 'x%' })).toEqual([]);
    // 19 ids (more than the largest template, 8): in chunks of 8, 8 and 3, rows in order within each chunk.
    const ids = Array.from({ length: 19 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    expect((await configsIn(db, ids, { prefix: 'v%' })).map((r) => r.name)).toEqual(ids);
  });
});

describe('selectArrays', () => {
  it('gives rows as arrays in select-list order, leaves the object form of the same query alone, refuses writes', async () => {
    const db = await open();
    await db.insertInto('configurations').values([{ name: 'b', value: '2' }, { name: 'a', value: '1' }]).execute();
    const q = db.selectFrom('configurations').select(['value', 'name']).where('name', 'in', ['a', 'b']).orderBy('name');
    expect(await selectArrays(db, q)).toEqual([['1', 'a'], ['2', 'b']]);
    expect(await q.execute()).toEqual([{ value: '1', name: 'a' }, { value: '2', name: 'b' }]);
    await expect(selectArrays(db, db.deleteFrom('configurations'))).rejects.toThrow(/not a read/);
    expect((await db.selectFrom('configurations').select('name').where('name', 'in', ['a', 'b']).execute()).length).toBe(2);
    // Precompiled, with a page window among its values: fresh values each run.
    const page = precompiled((d, p: { after: string; limit: number; offset: number }) => d.selectFrom('configurations')
      .select(['value', 'name']).where('name', '>=', p.after).orderBy('name').limit(p.limit).offset(p.offset));
    expect(await page.arrays(db, { after: 'a', limit: 1, offset: 1 })).toEqual([['2', 'b']]);
    expect(await page.arrays(db, { after: 'a', limit: 5, offset: 0 })).toEqual([['1', 'a'], ['2', 'b']]);
  });
});

describe('time-ordered ids', () => {
  it('are version-7 UUIDs, unique, and sort by the time they were made', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => timeOrderedId(1_700_000_000_000 + Math.floor(i / 10)));
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const firstOfEachMs = ids.filter((_, i) => i % 10 === 0);
    expect([...firstOfEachMs].sort()).toEqual(firstOfEachMs);
    expect(timeOrderedId(0x0123456789ab).slice(0, 13)).toBe('01234567-89ab');
  });
});
