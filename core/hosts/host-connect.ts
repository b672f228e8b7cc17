// Connecting the management server to a host: reconnectHost, and the host monitor when a host it pings turns
// out not to be connected (after a restart). Every status change goes through host-states.ts and is written with
// a conditional UPDATE on the old status, so a concurrent change (another job, another management server) wins
// cleanly instead of being overwritten.
import type { Services } from '../kernel/services';
import type { HostConnectSpec, HostInfo, HypervisorDriver } from '../hypervisors/driver';
import { nextHostStatus, type HostStatusEvent } from './host-states';
import { driverForHost } from '../hypervisors/registry';

export interface HostConnectRow { id: string; name: string; url: string; hypervisor: string; state: string; details: string }

/** VM states in which the VM's processes live on its host. */
const ON_HOST_STATES = ['Running', 'Stopping', 'Migrating'];

export function parseDetails(json: string): Record<string, string> {
  try {
    const d = JSON.parse(json) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}

export const connectSpec = (h: HostConnectRow): HostConnectSpec =>
  ({ hostId: h.id, name: h.name, url: h.url, details: parseDetails(h.details) });

/** Columns a successful connect refreshes (the host may have been resized while we were away). */
export function infoColumns(info: HostInfo, oldDetails: string) {
  return {
    cpu_number: info.cpuNumber, cpu_speed: info.cpuSpeed, memory_total: info.memoryBytes, ip_address: info.ipAddress,
    details: JSON.stringify({ ...parseDetails(oldDetails), hypervisorVersion: info.hypervisorVersion, capabilities: info.capabilities.join(','),
      ...(info.guestNetworking ? { 'guest.networking': info.guestNetworking } : {}) }),
  };
}

/**
 * Moves a host's status by `event` if it is still `from`. Returns the new status, or null when the row changed
 * meanwhile (or the machine does not allow the event from there).
 */
export async function moveHostStatus(svc: Services, hostId: string, from: string, event: HostStatusEvent,
  set: Record<string, unknown> = {}): Promise<string | null> {
  let to: string;
  try {
    to = nextHostStatus(from, event);
  } catch {
    return null;
  }
  const r = await svc.db.updateTable('hosts').set({ ...set, state: to }).where('id', '=', hostId).where('state', '=', from)
    .where('removed', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return null;
  if (to !== from) {
    svc.caches.infraVersion.changed();
    svc.events.notify({ kind: 'state', resourceType: 'Host', resourceId: hostId, state: to });
  }
  return to;
}

/**
 * Tells drivers that can be told (the simulator) which VMs the database says run on these hosts; after a
 * restart the simulator knows none. One query per 500 hosts.
 */
export async function adoptVms(svc: Services, driver: HypervisorDriver, hostIds: string[]): Promise<void> {
  const adopt = (driver as { adopt?: (hostId: string, vmIds: string[]) => void }).adopt;
  if (typeof adopt !== 'function') return;
  for (let i = 0; i < hostIds.length; i += 500) {
    const rows = await svc.db.selectFrom('vms').select(['id', 'host_id']).where('host_id', 'in', hostIds.slice(i, i + 500))
      .where('removed', 'is', null).where('state', 'in', ON_HOST_STATES).execute();
    const byHost = new Map<string, string[]>();
    for (const r of rows) byHost.set(r.host_id!, [...(byHost.get(r.host_id!) ?? []), r.id]);
    for (const [hostId, ids] of byHost) adopt.call(driver, hostId, ids);
  }
}

/**
 * reconnectHost: Connecting, then Up with refreshed capacity, or Alert when the host cannot be reached.
 * Returns the error text on failure.
 */
export async function reconnectHost(svc: Services, h: HostConnectRow): Promise<string | null> {
  const driver = driverForHost(svc.drivers, h);
  const connecting = await moveHostStatus(svc, h.id, h.state, 'AgentConnected');
  if (connecting === null) return `Host ${h.name} changed state while reconnecting; try again`;
  try {
    const info = await driver.connectHost(connectSpec(h));
    await adoptVms(svc, driver, [h.id]);
    const now = svc.clock.now();
    await moveHostStatus(svc, h.id, connecting, 'Ready', { ...infoColumns(info, h.details), last_pinged: now, disconnected: null });
    return null;
  } catch (e) {
    await moveHostStatus(svc, h.id, connecting, 'AgentDisconnected', { disconnected: svc.clock.now() });
    return e instanceof Error ? e.message : String(e);
  }
}
