// A seeded SQLite world for VM and storage tests, with a minimal command runner: sync handlers are called
// directly; async ones run prepare, then execute (or recover) in the same way the job manager would.
import { createSequences } from '../../db/sequences';
import { createInstanceNames } from './instance-names';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connect';
import { precompiledTransaction } from '../../db/precompiled';
import { openTestDatabase } from '../../testing/test-db';
import type { Caller } from '../../identity/caller';
import type { EventInput, Notification, Services } from '../../kernel/services';
import { createCoreCaches } from '../../core-caches';
import { createTemplateDownloaders } from '../../catalog/template-download';
import type { AsyncHandler, AsyncPlan, CallContext, JobContext, SyncHandler } from '../../kernel/handler';
import type { CommandDecl } from '../../contract/command';
import { invalidParam } from '../../kernel/errors';
import { FakeDriver, fakeIdentity, fakePlanner, GiB } from './test-fixtures';
import { computeModule } from './index';
import { storageModule } from '../storage/index';

export { GiB };

let clockMs = Date.UTC(2024, 0, 1);
const tick = () => (clockMs += 1000);

async function seed(db: Db) {
  const now = tick();
  const id = () => randomUUID();
  const ids = {
    root: id(), child: id(), role: id(), zone: id(), pod: id(), c1: id(), c2: id(), hosts: [id(), id(), id(), id()],
    pool1: id(), pool2: id(), os: id(), template: id(), small: id(), big: id(), huge: id(), custom: id(), nodyn: id(),
    disk5: id(), diskCustom: id(),
  };
  await db.insertInto('domains').values([
    { id: ids.root, name: 'ROOT', parent_id: null, path: '/', level: 0, state: 'Active', network_domain: null, created: now, removed: null },
    { id: ids.child, name: 'Child', parent_id: ids.root, path: '/Child/', level: 1, state: 'Active', network_domain: null, created: now, removed: null },
  ]).execute();
  await db.insertInto('roles').values({ id: ids.role, name: 'Admin', type: 'Admin', description: '', is_default: 1, is_public: 1, state: 'Enabled', created: now, removed: null }).execute();
  const callers: Caller[] = [];
  for (const [name, type, domain] of [['admin', 1, ids.root], ['alice', 0, ids.root], ['bob', 0, ids.child]] as const) {
    const acc = id();
    const user = id();
    await db.insertInto('accounts').values({ id: acc, name, type, domain_id: domain, role_id: ids.role, state: 'enabled', network_domain: null, created: tick(), removed: null }).execute();
    await db.insertInto('users').values({ id: user, account_id: acc, username: name, password_hash: '', firstname: name, lastname: name, email: '', state: 'enabled', timezone: null, api_key: null, secret_key: null, is_default: 0, created: now, removed: null }).execute();
    callers.push({ userId: user, username: name, accountId: acc, accountName: name, accountType: type, roleId: ids.role,
      roleType: type === 1 ? 'Admin' : 'User', domainId: domain, domainPath: domain === ids.root ? '/' : '/Child/' });
  }
  await db.insertInto('zones').values({ id: ids.zone, name: 'zone1', description: null, network_type: 'Advanced', allocation_state: 'Enabled', dns1: null, dns2: null, internal_dns1: null, internal_dns2: null, guest_cidr: null, domain: null, local_storage_enabled: 0, security_groups_enabled: 0, type: 'Core', created: now, removed: null }).execute();
  await db.insertInto('pods').values({ id: ids.pod, zone_id: ids.zone, name: 'pod1', gateway: null, netmask: null, allocation_state: 'Enabled', created: now, removed: null }).execute();
  for (const [cid, name] of [[ids.c1, 'cluster1'], [ids.c2, 'cluster2']]) {
    await db.insertInto('clusters').values({ id: cid, zone_id: ids.zone, pod_id: ids.pod, name, hypervisor: 'Simulator', cluster_type: 'CloudManaged', allocation_state: 'Enabled', managed_state: 'Managed', cpu_overcommit: 1, memory_overcommit: 1, created: now, removed: null }).execute();
  }
  await db.insertInto('hosts').values(ids.hosts.map((h, i) => ({ id: h, name: `host${i + 1}`, zone_id: ids.zone, pod_id: ids.pod,
    cluster_id: i < 3 ? ids.c1 : ids.c2, hypervisor: 'Simulator', type: 'Routing', state: 'Up', resource_state: 'Enabled',
    ip_address: `10.0.0.${i + 1}`, url: 'sim://', cpu_number: 4, cpu_speed: 2000, memory_total: 8 * GiB, cpu_allocated: 0, cpu_cores_allocated: 0,
    memory_allocated: 0, host_tags: '', version: '1', details: '{}', created: now, last_pinged: null, disconnected: null, removed: null }))).execute();
  await db.insertInto('storage_pools').values([[ids.pool1, ids.c1, 'pool1'], [ids.pool2, ids.c2, 'pool2']].map(([pid, cid, name]) => ({
    id: pid, name, zone_id: ids.zone, pod_id: ids.pod, cluster_id: cid, scope: 'CLUSTER', type: 'NetworkFilesystem', url: 'nfs://x/y',
    host: 'x', path: `/mnt/${name}`, state: 'Up', capacity_bytes: 1000 * GiB, allocated_bytes: 0, used_bytes: 0, tags: '',
    provider: 'DefaultPrimary', hypervisor: null, overprovision: 1, created: now, removed: null }))).execute();
  await db.insertInto('os_types').values({ id: ids.os, description: 'Debian GNU/Linux 12 (64-bit)', category: 'Debian' }).execute();
  await db.insertInto('templates').values({ id: ids.template, name: 'debian', display_text: 'Debian 12', format: 'QCOW2', hypervisor: 'Simulator',
    url: 'http://x/t.qcow2', checksum: null, template_type: 'USER', is_public: 1, is_featured: 0, is_extractable: 0, password_enabled: 0,
    bootable: 1, cross_zones: 0, dynamic_scaling: 1, ostype_id: ids.os, account_id: callers[0].accountId, domain_id: ids.root,
    size: 2 * GiB, details: '{}', created: now, removed: null }).execute();
  await db.insertInto('template_zones').values({ template_id: ids.template, zone_id: ids.zone, store_id: null, status: 'Download Complete', is_ready: 1, download_percent: 100, physical_size: 2 * GiB, created: now }).execute();
  const so = (sid: string, name: string, cpu: number | null, speed: number | null, mem: number | null, dyn = 1) => ({
    id: sid, name, display_text: name, cpu_number: cpu, cpu_speed: speed, memory: mem, customized: cpu === null ? 1 : 0, offer_ha: 0,
    limit_cpu_use: 0, host_tags: '', storage_tags: '', storage_type: 'shared', provisioning_type: 'thin', root_disk_size: null,
    is_system: 0, dynamic_scaling: dyn, state: 'Active', domain_ids: '', zone_ids: '', created: now, removed: null });
  await db.insertInto('service_offerings').values([so(ids.small, 'small', 1, 500, 512), so(ids.big, 'big', 2, 1000, 1024),
    so(ids.huge, 'huge', 4, 2000, 16384), so(ids.custom, 'custom', null, null, null), so(ids.nodyn, 'nodyn', 2, 1000, 1024, 0)]).execute();
  const dof = (did: string, name: string, size: number, customized: number) => ({ id: did, name, display_text: name, disk_size: size,
    customized, tags: '', storage_type: 'shared', provisioning_type: 'thin', state: 'Active', domain_ids: '', zone_ids: '', created: now, removed: null });
  await db.insertInto('disk_offerings').values([dof(ids.disk5, 'disk5', 5 * GiB, 0), dof(ids.diskCustom, 'custom', 0, 1)]).execute();
  return { ...ids, admin: callers[0], alice: callers[1], bob: callers[2] };
}

export type Ids = Awaited<ReturnType<typeof seed>>;

const registry = new Map<string, { decl: CommandDecl; handler: unknown }>();
for (const m of [computeModule, storageModule]) {
  for (const [name, decl] of Object.entries(m.decls)) registry.set(name, { decl, handler: (m.handlers as Record<string, unknown>)[name] });
}

export async function createWorld() {
  const dir = mkdtempSync(join(tmpdir(), 'strata-vm-'));
  const opened = await openTestDatabase(join(dir, 'test.db'));
  const db = opened.db;
  const ids = await seed(db);
  const driver = new FakeDriver();
  const { planner, log: plannerLog } = fakePlanner(db);
  const events: (EventInput & { id: string })[] = [];
  const notes: Notification[] = [];
  const svc = {
    db, dbKind: opened.kind, instanceNames: createInstanceNames(db, createSequences(db)), clock: { now: tick },
    config: { dataDir: dir, msId: 'ms', msName: 'ms', maxPageSize: 500, jobWorkers: 4, version: 'test' },
    log: { info: () => {}, warn: () => {}, error: () => {} },
    identity: fakeIdentity(db),
    events: {
      record: async (e: EventInput) => { const id = randomUUID(); events.push({ ...e, id }); return id; },
      alert: async () => {}, subscribe: () => () => {}, notify: (n: Notification) => { notes.push(n); },
    },
    jobs: {} as Services['jobs'],
    drivers: { get: (h: string) => { if (h.toLowerCase() !== 'simulator') throw invalidParam(`Hypervisor ${h} is not supported`); return driver; }, supported: () => ['Simulator'] },
    planner, newId: () => randomUUID(),
    caches: createCoreCaches(db), templateDownloaders: createTemplateDownloaders(),
  } as Services;

  const ctxOf = (caller: Caller, command: string): CallContext => ({ svc, caller, command });
  const jobCtx = (caller: Caller, command: string): JobContext => ({ ...ctxOf(caller, command), jobId: randomUUID(), progress: async () => {} });
  const lookup = (command: string) => {
    const r = registry.get(command);
    if (!r) throw new Error(`unknown command ${command}`);
    return r;
  };

  /** Runs a command; async ones go through prepare then execute. Returns the result (async: with the created id). */
  async function call(caller: Caller, command: string, args: object = {}): Promise<any> {
    const r = lookup(command);
    if (!r.decl.async) return (r.handler as SyncHandler<CommandDecl>)(ctxOf(caller, command), args as never);
    const h = r.handler as AsyncHandler<CommandDecl>;
    const plan = await prepare(caller, command, args);
    const result = await h.execute(jobCtx(caller, command), args as never, plan.payload);
    return { id: plan.createdId, plan, result };
  }

  /** prepare, then what the job manager does on submit: the plan's rows written, then its after-commit step. */
  async function prepare(caller: Caller, command: string, args: object = {}): Promise<AsyncPlan> {
    const plan = await (lookup(command).handler as AsyncHandler<CommandDecl>).prepare(ctxOf(caller, command), args as never);
    if (plan.write) await precompiledTransaction(db, plan.write);
    await plan.committed?.();
    return plan;
  }

  async function recover(caller: Caller, command: string, args: object, plan: AsyncPlan): Promise<any> {
    const h = lookup(command).handler as AsyncHandler<CommandDecl>;
    return h.recover!(jobCtx(caller, command), args as never, plan.payload);
  }

  const host = (hid: string) => db.selectFrom('hosts').selectAll().where('id', '=', hid).executeTakeFirstOrThrow();
  const vm = (vid: string) => db.selectFrom('vms').selectAll().where('id', '=', vid).executeTakeFirstOrThrow();
  const volumes = (vid: string) => db.selectFrom('volumes').selectAll().where('vm_id', '=', vid).orderBy('device_id').execute();
  const volume = (id: string) => db.selectFrom('volumes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const pool = (pid: string) => db.selectFrom('storage_pools').selectAll().where('id', '=', pid).executeTakeFirstOrThrow();

  /** Deploys a small VM as `caller` and returns its id. */
  async function deploy(caller: Caller = ids.admin, extra: object = {}): Promise<string> {
    const r = await call(caller, 'deployVirtualMachine', { zoneid: ids.zone, serviceofferingid: ids.small, templateid: ids.template, ...extra });
    return r.id as string;
  }

  return {
    svc, db, ids, driver, plannerLog, events, notes, call, prepare, recover, deploy, host, vm, volumes, volume, pool,
    close: async () => { await opened.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
