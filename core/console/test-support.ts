// A real core behind a real HTTP server for console tests, with a fake clock, a KVM host whose driver the test
// chooses (a fake VNC server, or the real QEMU driver), and VM rows placed on it directly (deploying needs no
// console code, and the local KVM wiring is not the subject here).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createCore, startServer, type Core, type RunningServer } from '../index';
import { silentLogger } from '../kernel/logger';
import { sessionClient, ADMIN_PASSWORD } from '../testing/harness';
import { createDriverRegistry } from '../hypervisors/registry';
import type { HypervisorDriver } from '../hypervisors/driver';

export interface FakeClock { t: number; now(): number; advance(ms: number): void }

export interface ConsoleWorld {
  core: Core;
  server: RunningServer;
  url: string;
  clock: FakeClock;
  kvmHost: string;
  simHost: string;
  admin: Awaited<ReturnType<typeof sessionClient>>;
  /** Creates a plain user account (own account, ROOT domain) and signs it in. */
  newUser(name: string): Promise<Awaited<ReturnType<typeof sessionClient>>>;
  /** Inserts a VM row owned by the admin account (unless `accountId`) on a host. */
  addVm(o: { hostId: string | null; state?: string; id?: string; accountId?: string }): Promise<string>;
  /** Serves KVM hosts with this driver (the simulator keeps serving Simulator hosts). */
  useKvmDriver(d: HypervisorDriver): void;
  stop(): Promise<void>;
}

export async function createConsoleWorld(): Promise<ConsoleWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-console-'));
  const clock: FakeClock = { t: Date.now(), now: () => clock.t, advance: (ms) => { clock.t += ms; } };
  // No built console here: the built-in console page is what these tests check.
  const core = await createCore({ dataDir, adminPassword: ADMIN_PASSWORD, log: silentLogger, hostPingIntervalMs: 0, clock, uiDir: join(dataDir, 'no-ui') });
  const server = await startServer(core, { host: '127.0.0.1', port: 0 });
  const db = core.svc.db;
  const sim = core.svc.drivers.get('Simulator');
  const now = clock.now();
  const ids = { zone: randomUUID(), pod: randomUUID(), cluster: randomUUID(), simCluster: randomUUID(), kvm: randomUUID(), sim: randomUUID(), template: randomUUID() };
  await db.insertInto('zones').values({ id: ids.zone, name: 'z1', description: null, network_type: 'Advanced', allocation_state: 'Enabled',
    dns1: null, dns2: null, internal_dns1: null, internal_dns2: null, guest_cidr: null, domain: null, local_storage_enabled: 0,
    security_groups_enabled: 0, type: 'Core', created: now, removed: null }).execute();
  await db.insertInto('pods').values({ id: ids.pod, zone_id: ids.zone, name: 'p1', gateway: null, netmask: null, allocation_state: 'Enabled', created: now, removed: null }).execute();
  for (const [id, hv] of [[ids.cluster, 'KVM'], [ids.simCluster, 'Simulator']]) {
    await db.insertInto('clusters').values({ id, zone_id: ids.zone, pod_id: ids.pod, name: `c-${hv}`, hypervisor: hv, cluster_type: 'CloudManaged',
      allocation_state: 'Enabled', managed_state: 'Managed', cpu_overcommit: 1, memory_overcommit: 1, created: now, removed: null }).execute();
  }
  for (const [id, hv, cl] of [[ids.kvm, 'KVM', ids.cluster], [ids.sim, 'Simulator', ids.simCluster]]) {
    await db.insertInto('hosts').values({ id, name: `h-${hv}`, zone_id: ids.zone, pod_id: ids.pod, cluster_id: cl, hypervisor: hv, type: 'Routing',
      state: 'Up', resource_state: 'Enabled', ip_address: '127.0.0.1', url: 'qemu://localhost', cpu_number: 2, cpu_speed: 1000,
      memory_total: 4 * 2 ** 30, cpu_allocated: 0, memory_allocated: 0, cpu_cores_allocated: 0, host_tags: '', version: '1', details: '{}', created: now,
      last_pinged: null, disconnected: null, removed: null }).execute();
  }
  const admin = await db.selectFrom('accounts').select(['id', 'domain_id']).where('type', '=', 1).executeTakeFirstOrThrow();
  const adminUser = await db.selectFrom('users').select('id').where('account_id', '=', admin.id).executeTakeFirstOrThrow();
  const offering = await db.selectFrom('service_offerings').select('id').executeTakeFirstOrThrow();
  await db.insertInto('templates').values({ id: ids.template, name: 'guest', display_text: 'guest', format: 'QCOW2', hypervisor: 'KVM',
    url: 'http://localhost/guest.qcow2', checksum: null, template_type: 'USER', is_public: 1, is_featured: 0, is_extractable: 0,
    password_enabled: 0, bootable: 1, cross_zones: 0, dynamic_scaling: 0, ostype_id: null, account_id: admin.id, domain_id: admin.domain_id,
    size: 2 ** 30, details: '{}', ssh_key_enabled: null, requires_hvm: null, template_tag: null, created: now, removed: null }).execute();

  let n = 0;
  const world: ConsoleWorld = {
    core, server, url: server.url, clock, kvmHost: ids.kvm, simHost: ids.sim,
    admin: await sessionClient(server.url),
    async newUser(name) {
      const r = await world.admin.call('createAccount', { username: name, password: 'pw-' + name, email: `${name}@example.org`,
        firstname: name, lastname: name, accounttype: '0' }, 'POST');
      if (r.status !== 200) throw new Error(`createAccount: ${r.text}`);
      return sessionClient(server.url, name, 'pw-' + name);
    },
    async addVm(o) {
      const id = o.id ?? randomUUID();
      const owner = o.accountId ? await db.selectFrom('accounts').select(['id', 'domain_id']).where('id', '=', o.accountId).executeTakeFirstOrThrow() : admin;
      const user = o.accountId ? (await db.selectFrom('users').select('id').where('account_id', '=', owner.id).executeTakeFirstOrThrow()).id : adminUser.id;
      const hv = o.hostId === ids.sim ? 'Simulator' : 'KVM';
      n++;
      await db.insertInto('vms').values({ id, name: `vm${n}`, display_name: `vm${n}`, instance_name: `i-2-${n}-VM`, account_id: owner.id,
        domain_id: owner.domain_id, user_id: user, zone_id: ids.zone, pod_id: ids.pod, cluster_id: o.hostId === ids.sim ? ids.simCluster : ids.cluster,
        host_id: o.hostId, last_host_id: o.hostId, template_id: ids.template, iso_id: null, service_offering_id: offering.id, cpu_number: 1,
        cpu_speed: 1000, memory: 96, state: o.state ?? 'Running', ha_enable: 0, group_name: null, hypervisor: hv, details: '{}',
        userdata: null, created: clock.now(), updated: clock.now(), removed: null }).execute();
      return id;
    },
    useKvmDriver(d) { core.svc.drivers = createDriverRegistry([sim, d]); },
    async stop() {
      await server.close();
      await core.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** A driver that only knows how to give a console endpoint (enough for the console proxy). */
export function consoleOnlyDriver(endpoint: (vmId: string) => { socketPath?: string; host?: string; port?: number; password: string } | null): HypervisorDriver {
  return {
    hypervisor: 'KVM',
    consoleEndpoint: async (_hostId: string, vmId: string) => {
      const vnc = endpoint(vmId);
      return vnc ? { vnc } : null;
    },
    shutdown: async () => undefined,
  } as unknown as HypervisorDriver;
}
