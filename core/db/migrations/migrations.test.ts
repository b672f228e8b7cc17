// Migrations bring a database made by an earlier release up to date in place, and the list indexes are what
// filtered pages walk (a filtered page of 100,000 VMs must not scan the table).
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import { openDatabase, type OpenedDb } from '../connect';
import { migrations } from './index';

let dir: string;
let opened: OpenedDb | null = null;
afterEach(async () => {
  await opened?.close();
  opened = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('upgrade a 001 database: rows stay, single-column VM indexes become (filter, removed, created, id)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mig-'));
    const file = join(dir, 'old.db');
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    expect((await new Migrator({ db: old, provider }).migrateTo('001-initial')).error).toBeUndefined();
    await old.insertInto('configurations').values({ name: 'kept', value: 'yes' }).execute();
    await old.destroy();

    opened = await openDatabase(file);
    const db = opened.db;
    expect(await db.selectFrom('configurations').select('value').where('name', '=', 'kept').executeTakeFirst()).toEqual({ value: 'yes' });
    const columns = async (index: string) =>
      (await sql<{ name: string }>`select name from pragma_index_info(${index})`.execute(db)).rows.map((r) => r.name);
    expect(await columns('vms_host')).toEqual(['host_id', 'removed', 'created', 'id']);
    expect(await columns('vms_state')).toEqual(['state', 'removed', 'created', 'id']);
    expect(await columns('jobs_created')).toEqual(['created', 'id']);

    const plan = async (q: string) => (await sql.raw<{ detail: string }>(`explain query plan ${q}`).execute(db)).rows.map((r) => r.detail).join(' | ');
    const hostPage = await plan(`select id from vms where removed is null and host_id = 'h' order by created, id limit 500`);
    expect(hostPage).toMatch(/COVERING INDEX vms_host/);
    expect(hostPage).not.toMatch(/TEMP B-TREE/);
    expect(await plan(`select count(*) from vms where removed is null and state = 'Running'`)).toMatch(/COVERING INDEX vms_state/);
    expect(await plan(`select id from async_jobs order by created desc, id desc limit 20 offset 100`)).toMatch(/COVERING INDEX jobs_created/);
    // A substring search scans the narrow covering index; the plain page keeps the narrowest one for its OFFSET.
    expect(await plan(`select id from vms where removed is null and (name like '%x%' or display_name like '%x%' or instance_name like '%x%') order by created, id`))
      .toMatch(/COVERING INDEX vms_search/);
    expect(await plan(`select id from vms where removed is null order by created, id limit 500 offset 1000`)).toMatch(/COVERING INDEX vms_created/);
  });

  it('upgrade a database of the previous release, whose last migrations sort after ones this release adds', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mig-'));
    const file = join(dir, 'prev.db');
    // The previous release had every migration up to 019c; this one adds 014c, 017t, 018b, 019d, 019f and 019h.
    const added = ['014c-metrics-packets', '017t-network-isolation', '018b-lb-member-health', '019d-groups-limits', '019f-vm-snapshots', '019h-projects'];
    for (const name of added) expect(Object.keys(migrations)).toContain(name);
    const previous = Object.fromEntries(Object.entries(migrations).filter(([name]) => !added.includes(name)));
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
    expect((await new Migrator({ db: old, provider: { getMigrations: async () => previous } }).migrateToLatest()).error).toBeUndefined();
    await old.insertInto('configurations').values({ name: 'kept', value: 'yes' }).execute();
    await old.destroy();

    opened = await openDatabase(file);
    const db = opened.db;
    expect(await db.selectFrom('configurations').select('value').where('name', '=', 'kept').executeTakeFirst()).toEqual({ value: 'yes' });
    const ran = (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((r) => r.name);
    expect([...ran].sort()).toEqual(Object.keys(migrations).sort());
    // The added tables are there.
    for (const table of ['projects', 'vm_snapshots', 'resource_limits']) {
      expect((await sql<{ n: number }>`select count(*) as n from sqlite_master where name = ${table}`.execute(db)).rows[0].n).toBe(1);
    }
  });

  it('upgrade a 002 database to 011: every list page and count walks an index that leads with its filter', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mig-'));
    const file = join(dir, 'old.db');
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    expect((await new Migrator({ db: old, provider }).migrateTo('002-list-indexes')).error).toBeUndefined();
    await old.insertInto('configurations').values({ name: 'kept', value: 'yes' }).execute();
    await old.destroy();

    opened = await openDatabase(file);
    const db = opened.db;
    expect(await db.selectFrom('configurations').select('value').where('name', '=', 'kept').executeTakeFirst()).toEqual({ value: 'yes' });
    const plan = async (q: string) => (await sql.raw<{ detail: string }>(`explain query plan ${q}`).execute(db)).rows.map((r) => r.detail).join(' | ');
    const walks = async (q: string, index: string) => {
      const p = await plan(q);
      expect(p, q).toMatch(new RegExp(`COVERING INDEX ${index}\\b`));
      expect(p, q).not.toMatch(/TEMP B-TREE/);
    };
    await walks(`select id from volumes where removed is null order by created, id limit 500 offset 1000`, 'volumes_created');
    await walks(`select count(*) from volumes where removed is null and account_id = 'a'`, 'volumes_account_page');
    await walks(`select id from volumes where removed is null and domain_id = 'd1' order by created, id limit 20`, 'volumes_domain');
    await walks(`select seq from events where archived = 0 order by seq desc limit 500 offset 1000`, 'events_archived');
    await walks(`select count(*) from events where archived = 0`, 'events_archived');
    await walks(`select seq from events where account_id = 'a' and archived = 0 order by seq desc limit 20`, 'events_account_page');
    // Project resources skipped (019i): the filter is read from the same indexes, still covering.
    const noProjects = `(account_id is null or account_id not in ('p1', 'p2'))`;
    await walks(`select id from vms where removed is null and ${noProjects} order by created, id limit 500 offset 1000`, 'vms_created');
    await walks(`select count(*) from vms where removed is null and ${noProjects}`, 'vms_created');
    await walks(`select id from vms where removed is null and domain_id in ('d1') and ${noProjects} order by created, id limit 20`, 'vms_domain');
    await walks(`select id from vms where removed is null and name like '%x%' and ${noProjects} order by created, id limit 20`, 'vms_search');
    // A keyword's count (vm-view.ts: the display name only where it differs from the name) walks the narrow vms_keyword (011k).
    await walks(`select count(*) from vms where removed is null and (name like '%x%' or nullif(display_name, name) like '%x%'
      or instance_name like '%x%') and ${noProjects}`, 'vms_keyword');
    await walks(`select id from volumes where removed is null and ${noProjects} order by created, id limit 500 offset 1000`, 'volumes_created');
    await walks(`select id from volumes where removed is null and domain_id = 'd1' and ${noProjects} order by created, id limit 20`, 'volumes_domain');
    await walks(`select seq from events where archived = 0 and ${noProjects} order by seq desc limit 500 offset 1000`, 'events_archived');
    await walks(`select seq from events where domain_id = 'd1' and archived = 0 and ${noProjects} order by seq desc limit 20`, 'events_domain');
    await walks(`select id from hosts where removed is null order by created, id limit 500 offset 1000`, 'hosts_created');
    await walks(`select id from hosts where removed is null and cluster_id = 'c' order by created, id limit 500`, 'hosts_cluster_page');
    await walks(`select id from accounts where removed is null and type != 5 order by created, id limit 500 offset 1000`, 'accounts_created');
    await walks(`select id from users where account_id = 'a' and removed is null order by created limit 1`, 'users_account');
    await walks(`select count(*) from accounts where created < 5 or (created = 5 and id < 'x')`, 'accounts_rank');
    expect(await plan(`select id from accounts where domain_id = 'd' and name = 'n' and removed is null`)).toMatch(/INDEX accounts_name/);
    // listCapacity reads kept cluster rows (011c); the index every reservation had to move is gone (011w).
    expect((await sql<{ n: number }>`select count(*) as n from sqlite_master where name = 'hosts_capacity'`.execute(db)).rows[0].n).toBe(0);
    const hostCols = (await sql<{ name: string }>`select name from pragma_table_info('hosts')`.execute(db)).rows.map((r) => r.name);
    expect(hostCols).toContain('cpu_cores_allocated');
  });
});
