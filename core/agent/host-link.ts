// What an agent's link does to its host row (reference section 6.2), with an event and a HOST alert (type 7) per
// change, as the host monitor writes them:
//   agent connects (hello with a valid token)  -> Connecting (AgentConnected)
//   connectHost answered                        -> Up (Ready), capacity and capabilities refreshed, VMs reconciled
//   connectHost failed                          -> Alert (AgentDisconnected)
//   link closed (agent stopped, killed, cut)    -> Disconnected (ShutdownRequested: nothing says the host is down,
//                                                  only that its agent is gone; CloudStack shows it Disconnected)
//   no heartbeat within the timeout             -> Alert (PingTimeout)
//   management server shutting down             -> Disconnected (ManagementServerDown)
// Disconnected hosts go on to Alert when the host monitor finds them silent past its timeout. Each connect also
// reconciles the host's VMs with its power report (orchestration/vm/host-sync.ts).
import type { HostInfo, PowerState } from '../hypervisors/driver';
import type { Services } from '../kernel/services';
import type { HostStatusEvent } from '../hosts/host-states';
import { connectSpec, infoColumns, moveHostStatus, parseDetails } from '../hosts/host-connect';
import { syncHostVms } from '../hosts/host-sync';
import { changeVmState } from '../orchestration/vm-states';
import { cpuMhzOf, memBytesOf, vmById } from '../orchestration/vm/vm-rows';
import { parseAgentToken, secretMatches, SECRET_HASH_DETAIL } from './token';
import { onVmStoppedUnexpectedly } from '../hosts/vm-ha';
import { fenceReturningHost } from '../hosts/host-fence';
import type { AgentCapabilities, DriverMethod } from './protocol';

export const AGENT_SCHEME = 'agent:';
export const isAgentUrl = (url: string) => url.trim().toLowerCase().startsWith('agent://');

export interface AgentHostRow {
  id: string; name: string; state: string; url: string; hypervisor: string; details: string;
  zone_id: string; pod_id: string; cluster_id: string; zone_name: string; pod_name: string;
}

type Call = (method: DriverMethod, args: unknown[]) => Promise<unknown>;

const HOST_ALERT = { type: 7, name: 'ALERT.COMPUTE.HOST' };
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function agentHostRow(svc: Services, hostId: string): Promise<AgentHostRow | undefined> {
  return svc.db.selectFrom('hosts as h').innerJoin('zones as z', 'z.id', 'h.zone_id').innerJoin('pods as p', 'p.id', 'h.pod_id')
    .select(['h.id', 'h.name', 'h.state', 'h.url', 'h.hypervisor', 'h.details', 'h.zone_id', 'h.pod_id', 'h.cluster_id',
      'z.name as zone_name', 'p.name as pod_name'])
    .where('h.id', '=', hostId).where('h.removed', 'is', null).executeTakeFirst();
}

/** The host a token belongs to, or null (unknown host, not an agent host, wrong secret). */
export async function authenticateAgent(svc: Services, token: string): Promise<AgentHostRow | null> {
  const t = parseAgentToken(token);
  if (t === null) return null;
  const h = await agentHostRow(svc, t.hostId);
  if (!h || !isAgentUrl(h.url)) return null;
  return secretMatches(t.secret, parseDetails(h.details)[SECRET_HASH_DETAIL]) ? h : null;
}

async function note(svc: Services, h: AgentHostRow, up: boolean, description: string): Promise<void> {
  await svc.events.record({
    type: up ? 'HOST.RECONNECT' : 'HOST.UPDATE', level: up ? 'INFO' : 'WARN', state: 'Completed', description,
    resourceId: h.id, resourceType: 'Host', resourceName: h.name,
  }).catch((e) => svc.log.warn('could not record a host event', { host: h.id, error: errText(e) }));
  await svc.events.alert({
    ...HOST_ALERT, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id,
    description: `${up ? 'Host is up' : 'Host disconnected'}, name: ${h.name} (id:${h.id}), availability zone: ${h.zone_name}, pod: ${h.pod_name}: ${description}`,
  }).catch((e) => svc.log.warn('could not raise a host alert', { host: h.id, error: errText(e) }));
}

/** Moves the host by AgentConnected from whatever state it is in now (re-reading once if it changed meanwhile). */
async function toConnecting(svc: Services, h: AgentHostRow): Promise<void> {
  if (await moveHostStatus(svc, h.id, h.state, 'AgentConnected')) return;
  const cur = await agentHostRow(svc, h.id);
  if (!cur) throw new Error(`host ${h.name} was removed`);
  if (!(await moveHostStatus(svc, h.id, cur.state, 'AgentConnected'))) throw new Error(`host ${h.name} is ${cur.state}`);
}

/**
 * Brings a host whose agent just said hello to Up: Connecting, connectHost through the agent, capacity and agent
 * facts written, Up, then the host's VMs reconciled with its power report (which also makes the agent's QEMU
 * driver re-adopt running VMs after an agent restart). Throws when the host cannot be brought up.
 */
export async function bringHostUp(svc: Services, h: AgentHostRow, agent: { name: string; caps: AgentCapabilities }, call: Call,
  link: { isCurrent(): boolean; onUp(): void }): Promise<void> {
  // A host HA declared Down had its VMs restarted elsewhere: whatever it still runs is killed before it is Up.
  const fenced = h.state === 'Down';
  await toConnecting(svc, h);
  let info: HostInfo;
  try {
    info = (await call('connectHost', [connectSpec(h)])) as HostInfo;
  } catch (e) {
    if (!link.isCurrent()) throw e; // the link dropped: the next one brings the host up, its state is theirs
    await moveHostStatus(svc, h.id, 'Connecting', 'AgentDisconnected', { disconnected: svc.clock.now() });
    await note(svc, h, false, `Host ${h.name}: its agent ${agent.name} connected but the host could not be set up: ${errText(e)}`);
    throw e;
  }
  const cols = infoColumns(info, h.details);
  const c = agent.caps;
  const details = JSON.stringify({ ...parseDetails(cols.details), agentName: agent.name, agentVersion: c.agentVersion,
    agentWorkDir: c.workDir, accelerator: c.accelerator, qemuVersion: c.qemuVersion });
  // The server the agent is connected to owns the host (several management servers: commands for it come here).
  await svc.db.updateTable('hosts').set({ ...cols, details, last_pinged: svc.clock.now(), disconnected: null, ms_id: svc.config.msId })
    .where('id', '=', h.id).execute();
  if (fenced) await fenceReturningHost(svc, h, (method, args) => call(method, args));
  // Null when the host monitor moved it first: it is Up either way.
  await moveHostStatus(svc, h.id, 'Connecting', 'Ready');
  link.onUp();
  await note(svc, h, true, `Host ${h.name} is Up: agent ${agent.name} connected (QEMU ${c.qemuVersion}, ${info.capabilities.join(' ')})`);
  // VMs whose process is gone become Stopped, orphans raise alerts; asking for the power states also makes the
  // agent's QEMU driver re-adopt the VMs that kept running while the agent was away.
  await syncHostVms(svc, h.id);
}

/** An agent reported that a VM's QEMU exited on its own (guest poweroff, crash): Running -> Stopped. */
export async function vmPowerChanged(svc: Services, hostId: string, vmId: string, state: PowerState): Promise<void> {
  if (state !== 'PowerOff') return;
  const vm = await vmById(svc.db, vmId);
  if (!vm || vm.host_id !== hostId || vm.state !== 'Running') return; // a job stopping or moving it handles it
  try {
    await changeVmState(svc, vm, 'AgentReportStopped', { reason: 'the guest powered off or its process exited',
      patch: { host_id: null, last_host_id: hostId } });
  } catch {
    return; // it changed meanwhile: whoever changed it owns it
  }
  await svc.planner.release(hostId, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number);
  const host = await agentHostRow(svc, hostId);
  onVmStoppedUnexpectedly(svc, vm, host?.name ?? hostId);
}

const LOST_FROM: Record<'ShutdownRequested' | 'PingTimeout' | 'ManagementServerDown', string[]> = {
  ShutdownRequested: ['Up', 'Connecting'],
  PingTimeout: ['Up', 'Connecting', 'Disconnected'],
  ManagementServerDown: ['Up'],
};

/** The agent's link is gone (or silent): Disconnected or Alert, with the reason in the event and alert. */
export async function hostLinkLost(svc: Services, hostId: string, event: keyof typeof LOST_FROM, why: string): Promise<void> {
  const h = await agentHostRow(svc, hostId);
  if (!h || !LOST_FROM[event].includes(h.state)) return;
  const to = await moveHostStatus(svc, h.id, h.state, event as HostStatusEvent, { disconnected: svc.clock.now() });
  if (to === null) return;
  await note(svc, h, false, `Host ${h.name}: ${why}; state ${h.state} -> ${to}`);
}
