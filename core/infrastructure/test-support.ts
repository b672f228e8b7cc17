// Test fixture for the infrastructure module: a real SQLite file in a temp folder, the simulator, the real
// planner, a fake event log that keeps what was recorded, and a stub identity. `call` decodes string params with
// the dispatcher's own validation, so handlers see exactly what they would see behind the HTTP API.
import { createHash } from 'node:crypto';
import { createSequences } from '../db/sequences';
import { createInstanceNames } from '../orchestration/vm/instance-names';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { OpenedDb } from '../db/connect';
import { openTestDatabase } from '../testing/test-db';
import type { Services, EventLog, EventInput, IdentityService, Clock } from '../kernel/services';
import type { Caller } from '../identity/caller';
import type { AsyncHandler, CallContext, JobContext } from '../kernel/handler';
import type { CommandDecl } from '../contract/command';
import { decodeRequest } from '../api/request';
import { validateArgs } from '../api/validate';
import { createDriverRegistry } from '../hypervisors/registry';
import { createSimulatorDriver, type SimulatorDriver } from '../hypervisors/simulator/index';
import { createPlanner } from '../orchestration/planner';
import { createCoreCaches } from '../core-caches';
import { createTemplateDownloaders } from '../catalog/template-download';
import { infrastructureModule } from './index';

export const rootAdmin: Caller = {
  userId: 'u-admin', username: 'admin', accountId: 'a-admin', accountName: 'admin', accountType: 1, roleId: 'r1',
  roleType: 'Admin', domainId: 'd-root', domainPath: '/',
};
export const plainUser: Caller = { ...rootAdmin, userId: 'u-user', username: 'user', accountId: 'a-user', accountName: 'user', accountType: 0, roleType: 'User' };

export interface FakeClock extends Clock { t: number; advance(ms: number): void }

export interface Fixture {
  svc: Services;
  sim: SimulatorDriver;
  clock: FakeClock;
  events: (EventInput & { id: string })[];
  alerts: Parameters<EventLog['alert']>[0][];
  dir: string;
  opened: OpenedDb;
  /** Calls a command as `caller` (root admin by default) with API-style string params. */
  call(command: string, params?: Record<string, string>, caller?: Caller): Promise<any>;
  close(): Promise<void>;
}

const silent = { info() {}, warn() {}, error() {} };

export async function createFixture(opts: { dir?: string; sim?: SimulatorDriver } = {}): Promise<Fixture> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'strata-infra-'));
  const opened = await openTestDatabase(join(dir, 'strata.db'));
  const clock: FakeClock = { t: Date.UTC(2024, 0, 1), now: () => clock.t, advance: (ms) => { clock.t += ms; } };
  const events: Fixture['events'] = [];
  const alerts: Fixture['alerts'] = [];
  const eventLog: EventLog = {
    async record(e) { const id = randomUUID(); events.push({ ...e, id }); return id; },
    async alert(a) {
      alerts.push(a);
      await opened.db.insertInto('alerts').values({ id: randomUUID(), type: a.type, name: a.name, description: a.description,
        zone_id: a.zoneId ?? null, pod_id: a.podId ?? null, cluster_id: a.clusterId ?? null, sent: clock.now(), archived: 0 }).execute();
    },
    subscribe: () => () => undefined,
    notify() {},
  };
  const sim = opts.sim ?? createSimulatorDriver({ now: () => clock.now() });
  const caches = createCoreCaches(opened.db);
  const svc = {
    caches, templateDownloaders: createTemplateDownloaders(),
    db: opened.db, dbKind: opened.kind, instanceNames: createInstanceNames(opened.db, createSequences(opened.db)), clock, log: silent, events: eventLog, newId: randomUUID,
    config: { dataDir: dir, msId: `ms-${createHash('sha1').update(dir).digest('hex').slice(0, 12)}`, msName: 'test-ms', maxPageSize: 500, jobWorkers: 4, version: '4.20.0.0-test' },
    identity: {} as IdentityService, jobs: {} as Services['jobs'],
    drivers: createDriverRegistry([sim]),
    planner: createPlanner({ db: opened.db, clock, log: silent, infra: caches.infraVersion }),
  } as Services;

  async function call(command: string, params: Record<string, string> = {}, caller: Caller = rootAdmin): Promise<any> {
    const decl = (infrastructureModule.decls as Record<string, CommandDecl>)[command];
    const handler = (infrastructureModule.handlers as Record<string, unknown>)[command];
    const args = validateArgs(decl, decodeRequest(new URLSearchParams(params).toString(), null), svc.config.maxPageSize);
    const ctx: CallContext = { svc, caller, command };
    if (!decl.async) return (handler as (c: CallContext, a: object) => Promise<unknown>)(ctx, args);
    const h = handler as AsyncHandler<CommandDecl>;
    const plan = await h.prepare(ctx, args as never);
    const job: JobContext = { ...ctx, jobId: randomUUID(), progress: async () => undefined };
    return h.execute(job, args as never, plan.payload);
  }

  return {
    svc, sim, clock, events, alerts, dir, opened, call,
    close: async () => {
      await opened.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** zone (Enabled) -> pod -> Simulator cluster; returns their ids. */
export async function basicZone(f: Fixture, o: { cpuOvercommit?: number; memoryOvercommit?: number } = {}) {
  const zone = await f.call('createZone', { name: 'z1', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.1', allocationstate: 'Enabled' });
  const pod = await f.call('createPod', { name: 'p1', zoneid: zone.id, gateway: '10.1.0.1', netmask: '255.255.255.0', startip: '10.1.0.10', endip: '10.1.0.20' });
  const ratios: Record<string, string> = {};
  if (o.cpuOvercommit) ratios.cpuovercommitratio = String(o.cpuOvercommit);
  if (o.memoryOvercommit) ratios.memoryovercommitratio = String(o.memoryOvercommit);
  const cl = await f.call('addCluster', { clustername: 'c1', clustertype: 'CloudManaged', hypervisor: 'Simulator', podid: pod.id, zoneid: zone.id, ...ratios });
  return { zoneId: zone.id as string, podId: pod.id as string, clusterId: cl.items[0].id as string };
}

export async function addSimHost(f: Fixture, ids: { zoneId: string; podId: string; clusterId: string }, name: string, query = '', extra: Record<string, string> = {}) {
  const r = await f.call('addHost', { zoneid: ids.zoneId, podid: ids.podId, clusterid: ids.clusterId, hypervisor: 'Simulator',
    url: `http://${name}/${query ? `?${query}` : ''}`, ...extra });
  return r.items[0];
}

/** Inserts the parent rows a VM needs (domain, account, user, template, offering) once, then a VM. */
export async function insertVm(f: Fixture, o: { zoneId: string; hostId: string | null; state: string; cpuNumber?: number }): Promise<string> {
  const db = f.svc.db;
  const now = f.clock.now();
  if (!(await db.selectFrom('domains').select('id').where('id', '=', 'd-root').executeTakeFirst())) {
    await db.insertInto('domains').values({ id: 'd-root', name: 'ROOT', parent_id: null, path: '/', level: 0, state: 'Active', network_domain: null, created: now, removed: null }).execute();
    await db.insertInto('roles').values({ id: 'r1', name: 'Admin', type: 'Admin', description: '', is_default: 1, is_public: 1, state: 'Enabled', created: now, removed: null }).execute();
    await db.insertInto('accounts').values({ id: 'a-user', name: 'user', type: 0, domain_id: 'd-root', role_id: 'r1', state: 'enabled', network_domain: null, created: now, removed: null }).execute();
    await db.insertInto('users').values({ id: 'u-user', account_id: 'a-user', username: 'user', password_hash: 'x', firstname: 'u', lastname: 'u', email: '', state: 'enabled', timezone: null, api_key: null, secret_key: null, is_default: 0, created: now, removed: null }).execute();
    await db.insertInto('templates').values({ id: 't1', name: 't', display_text: 't', format: 'QCOW2', hypervisor: 'Simulator', url: 'http://x', checksum: null, template_type: 'USER', is_public: 1, is_featured: 0, is_extractable: 0, password_enabled: 0, bootable: 1, cross_zones: 0, dynamic_scaling: 0, ostype_id: null, account_id: 'a-user', domain_id: 'd-root', size: 0, details: '{}', created: now, removed: null }).execute();
    await db.insertInto('service_offerings').values({ id: 'so1', name: 'small', display_text: 'small', cpu_number: 1, cpu_speed: 500, memory: 512, customized: 0, offer_ha: 0, limit_cpu_use: 0, host_tags: '', storage_tags: '', storage_type: 'shared', provisioning_type: 'thin', root_disk_size: null, is_system: 0, dynamic_scaling: 0, state: 'Active', domain_ids: '', zone_ids: '', created: now, removed: null }).execute();
  }
  const id = randomUUID();
  await db.insertInto('vms').values({ id, name: `vm-${id.slice(0, 8)}`, display_name: 'vm', instance_name: `i-${id.slice(0, 8)}`, account_id: 'a-user', domain_id: 'd-root', user_id: 'u-user',
    zone_id: o.zoneId, pod_id: null, cluster_id: null, host_id: o.hostId, last_host_id: o.hostId, template_id: 't1', iso_id: null, service_offering_id: 'so1',
    cpu_number: o.cpuNumber ?? 1, cpu_speed: 500, memory: 512, state: o.state, ha_enable: 0, group_name: null, hypervisor: 'Simulator', details: '{}', userdata: null,
    created: now, updated: now, removed: null }).execute();
  return id;
}
