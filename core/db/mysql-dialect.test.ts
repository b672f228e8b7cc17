// What a user of `--db mysql://...` meets first: the schema builds on an empty MariaDB/MySQL and on one an older
// Strata left in the server's default charset; names outside latin1 round-trip and compare; an empty id list is
// a valid query. Runs on SQLite in the default run and on a real MariaDB in `npm run test:mysql`.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator, MysqlDialect, sql, type MigrationProvider } from 'kysely';
import { openDatabase, type OpenedDb } from './connect';
import { migrations } from './migrations/index';
import { MYSQL_COLLATION } from './mysql-collation';
import { openTestDatabase, testMysqlRoot } from '../testing/test-db';
import { precompiledInsert, precompiledTransaction } from './precompiled';

let opened: OpenedDb | null = null;
afterEach(async () => { await opened?.close(); opened = null; });
const fresh = () => openTestDatabase(join(mkdtempSync(join(tmpdir(), 'strata-dialect-')), 'test.db'));

async function tableCollations(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ c: string }>`select distinct table_collation as c from information_schema.tables
    where table_schema = database() and table_type = 'BASE TABLE'`.execute(db);
  return rows.map((r) => r.c);
}

describe('the SQL dialects', () => {
  it('names outside latin1 are stored, compared and found', async () => {
    opened = await fresh();
    const db = opened.db;
    await db.insertInto('domains').values({ id: 'd-1', name: '测试机', parent_id: null, path: 'ROOT/测试机', level: 1,
      state: 'Active', network_domain: null, created: 1, removed: null }).execute();
    expect(await db.selectFrom('domains').select('name').where('name', '=', '测试机').execute()).toEqual([{ name: '测试机' }]);
    expect(await db.selectFrom('domains').select('id').where('path', 'like', 'ROOT/测%').execute()).toEqual([{ id: 'd-1' }]);
  });

  it('an empty id list matches nothing, and nothing is excluded by an empty exclusion list', async () => {
    opened = await fresh();
    const db = opened.db;
    await db.insertInto('configurations').values([{ name: 'a', value: '1' }, { name: 'b', value: '2' }]).execute();
    expect(await db.selectFrom('configurations').select('name').where('name', 'in', []).execute()).toEqual([]);
    expect((await db.selectFrom('configurations').select('name').where('name', 'not in', []).orderBy('name').execute())
      .map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('statements sent at once keep their own outcomes: one failing fails alone, the others are committed', async () => {
    opened = await fresh();
    const db = opened.db;
    await db.insertInto('configurations').values({ name: 'a', value: '1' }).execute();
    const add = (name: string) => db.insertInto('configurations').values({ name, value: name }).execute();
    const [b, dup, c] = await Promise.allSettled([add('b'), add('a'), add('c'),
      db.updateTable('configurations').set({ value: 'x' }).where('name', '=', 'zz').execute()]);
    expect([b.status, dup.status, c.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await db.selectFrom('configurations').select(['name', 'value']).where('name', 'in', ['a', 'b', 'c']).orderBy('name').execute()))
      .toEqual([{ name: 'a', value: '1' }, { name: 'b', value: 'b' }, { name: 'c', value: 'c' }]);
  });

  it('an insert failing in a transaction fails where it runs, for code that handles it (a name taken)', async () => {
    opened = await fresh();
    const db = opened.db;
    await db.insertInto('configurations').values({ name: 'taken', value: '1' }).execute();
    const insert = precompiledInsert('configurations');
    let seen: string[] = [];
    await precompiledTransaction(db, async (tx) => {
      // On MySQL the transaction may run twice (its plain inserts held back, then strictly): each run starts anew.
      seen = [];
      for (const name of ['taken', 'free']) {
        try { await insert(tx, { name, value: 'mine' }); seen.push(`${name} ok`); return; } catch { seen.push(`${name} taken`); }
      }
    });
    expect(seen).toEqual(['taken taken', 'free ok']);
    expect(await db.selectFrom('configurations').select(['name', 'value']).orderBy('name').execute())
      .toEqual([{ name: 'free', value: 'mine' }, { name: 'taken', value: '1' }]);
    // A failure the code does not handle rolls the whole transaction back.
    await expect(precompiledTransaction(db, async (tx) => {
      await insert(tx, { name: 'rolled-back', value: '1' });
      await insert(tx, { name: 'taken', value: '2' });
    })).rejects.toThrow();
    expect(await db.selectFrom('configurations').select('name').where('name', '=', 'rolled-back').execute()).toEqual([]);
  });

  it('transactions of inserts committed at once are each all or nothing: one meeting a taken name writes nothing', async () => {
    opened = await fresh();
    const db = opened.db;
    await db.insertInto('configurations').values({ name: 'taken', value: '1' }).execute();
    const insert = precompiledInsert('configurations');
    // On MySQL their inserts are held to the commit, then sent together; one failing leaves nothing of its transaction.
    const tx = (names: string[]) => precompiledTransaction(db, async (t) => { for (const name of names) await insert(t, { name, value: 'tx' }); });
    const outcomes = await Promise.allSettled([tx(['a1', 'a2']), tx(['b1', 'taken']), tx(['c1'])]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await db.selectFrom('configurations').select('name').orderBy('name').execute()).map((r) => r.name))
      .toEqual(['a1', 'a2', 'c1', 'taken']);
  });

  it('identical reads asked at once give each caller rows of its own, and see what was committed before they were asked', async () => {
    opened = await fresh();
    const db = opened.db;
    await db.insertInto('configurations').values({ name: 'a', value: '1' }).execute();
    const read = () => db.selectFrom('configurations').selectAll().where('name', '=', 'a').execute();
    // On MySQL the second read shares the first's execution (same text, not yet sent).
    const first = read();
    const second = read();
    const [r1, r2] = await Promise.all([first, second]);
    expect(r1).toEqual([{ name: 'a', value: '1' }]);
    r1[0].value = 'changed by its caller';
    expect(r2).toEqual([{ name: 'a', value: '1' }]);
    // A read queued behind one still unsent, asked after a write committed, sees the write.
    const before = read();
    await db.updateTable('configurations').set({ value: '2' }).where('name', '=', 'a').execute();
    expect(await read()).toEqual([{ name: 'a', value: '2' }]);
    await before;
  });

  it('a statement never runs as another: after a round trip that failed before its statement was prepared', async () => {
    opened = await fresh();
    const db = opened.db;
    const names = Array.from({ length: 31 }, (_, i) => `k${i}`);
    await db.insertInto('configurations').values(names.map((name, i) => ({ name, value: `0-${i}` }))).execute();
    // 31 statement texts with three values each (on MySQL: prepared, filling with the insert below the 32 statements
    // a connection keeps), each writing its own suffix.
    const updates = await Promise.all(names.map((name, i) => db.updateTable('configurations')
      .set({ value: sql<string>`concat(${'1'}, ${sql.lit(`-${i}`)})` })
      .where('name', '=', name).where('value', '=', `0-${i}`).executeTakeFirstOrThrow()));
    expect(updates.map((r) => Number(r.numUpdatedRows))).toEqual(names.map(() => 1));
    const insert = (name: string) => db.insertInto('configurations').values({ name, value: 'v' }).execute();
    const insert3 = (name: string) => db.insertInto('configurations').values({ name, value: sql<string>`concat(${'a'}, ${'b'})` }).execute();
    await insert('i1');
    // One round trip: an insert that fails (a name taken), then a statement of a new text (with three values, as the
    // updates), whose preparation the failure keeps from running.
    const [dup, fresh1] = await Promise.allSettled([insert('i1'), insert3('fresh1')]);
    expect([dup.status, fresh1.status]).toEqual(['rejected', 'fulfilled']);
    await insert3('fresh2');
    expect((await db.selectFrom('configurations').select(['name', 'value']).where('name', 'like', 'fresh%').orderBy('name').execute()))
      .toEqual([{ name: 'fresh1', value: 'ab' }, { name: 'fresh2', value: 'ab' }]);
    expect((await db.selectFrom('configurations').select('value').where('name', 'in', names).execute()).map((r) => r.value).sort())
      .toEqual(names.map((_, i) => `1-${i}`).sort());
  });

  it.skipIf(!testMysqlRoot())('every table of an empty MySQL database is utf8mb4 with one collation', async () => {
    opened = await fresh();
    expect(await tableCollations(opened.db)).toEqual([MYSQL_COLLATION]);
  });

  it.skipIf(!testMysqlRoot())('a latin1 database an older Strata migrated to 001 is brought up to date in utf8mb4', async () => {
    const root = testMysqlRoot()!;
    const name = `latin_${Date.now()}`;
    const { createConnection, createPool } = await import('mysql2');
    await new Promise<void>((resolve, reject) => {
      const c = createConnection({ uri: root });
      c.query(`create database ${name} character set latin1`, (e) => { c.end(); if (e) reject(e); else resolve(); });
    });
    const url = `${root}/${name}`;
    const old = new Kysely<any>({ dialect: new MysqlDialect({ pool: createPool({ uri: url }) }) });
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    expect((await new Migrator({ db: old, provider }).migrateTo('001-initial')).error).toBeUndefined();
    await old.insertInto('configurations').values({ name: 'kept', value: 'yes' }).execute();
    expect(await tableCollations(old)).not.toContain(MYSQL_COLLATION);
    await old.destroy();

    opened = await openDatabase(url);
    expect(await tableCollations(opened.db)).toEqual([MYSQL_COLLATION]);
    expect(await opened.db.selectFrom('configurations').select('value').where('name', '=', 'kept').executeTakeFirst())
      .toEqual({ value: 'yes' });
    await opened.db.insertInto('configurations').values({ name: '用户', value: '测试机' }).execute();
    expect(await opened.db.selectFrom('configurations').select('value').where('name', '=', '用户').executeTakeFirst())
      .toEqual({ value: '测试机' });
  });
});
