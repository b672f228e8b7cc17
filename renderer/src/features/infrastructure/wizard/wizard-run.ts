// Launching the zone: the API calls of each step, in order (one per step, several for the physical network). A call
// that already succeeded (its id is in `created`) is never made again, so after a failure the operator fixes the
// input and resumes from the failed call.
import type { Params } from '../../../api/cloud-client';
import { FORM_STEPS, type Created, type FormStep, type StepStatus, type WizardForms } from './wizard-model';

export type RunCommand = (command: string, params: Params, label: string) => Promise<any>;

interface Call { command: string; params: Params; label: string; idOf(result: any): string | undefined; /** Its key in `created` (the step's name for one-call steps). */ key?: string }

const first = (list: unknown) => (Array.isArray(list) ? list[0] : list) as { id?: string } | undefined;

/**
 * The physical network's calls, as CloudStack's zone wizard makes them: the network with its guest VLAN range, its
 * traffic types, enabling it, then (Advanced zones) the public range isolated networks take source-NAT addresses from.
 */
function networkCalls(f: WizardForms, c: Created, label: string): Call[] {
  const n = f.network;
  const advanced = f.zone.networktype === 'Advanced';
  const physicalnetworkid = c['network.physical']!;
  const traffic = (type: string, extra: Params = {}): Call => ({
    key: `network.${type}`, command: 'addTrafficType', label: `${label} · ${type}`, idOf: (r) => r?.traffictype?.id,
    params: { physicalnetworkid, traffictype: type, ...extra },
  });
  return [
    { key: 'network.physical', command: 'createPhysicalNetwork', label, idOf: (r) => r?.physicalnetwork?.id,
      params: { zoneid: c.zone!, name: n.name.trim(), vlan: advanced ? n.guestVlan.trim() || undefined : undefined, isolationmethods: advanced ? n.isolation : undefined } },
    traffic('Guest', { kvmnetworklabel: n.kvmLabel.trim() || undefined }),
    ...(advanced ? [traffic('Public')] : []),
    ...(n.management ? [traffic('Management')] : []),
    ...(n.storage ? [traffic('Storage')] : []),
    { key: 'network.enabled', command: 'updatePhysicalNetwork', label: `${label} · Enabled`, idOf: (r) => r?.physicalnetwork?.id,
      params: { id: physicalnetworkid, state: 'Enabled' } },
    ...(advanced ? [{
      key: 'network', command: 'createVlanIpRange', label: `${label} · ${n.publicStart.trim()}–${n.publicEnd.trim()}`,
      idOf: (r: any) => r?.vlaniprange?.id ?? r?.vlan?.id,
      params: { zoneid: c.zone!, physicalnetworkid, forvirtualnetwork: true, vlan: n.publicVlan.trim() || 'untagged',
        gateway: n.publicGateway.trim(), netmask: n.publicNetmask.trim(), startip: n.publicStart.trim(), endip: n.publicEnd.trim() },
    }] : []),
  ];
}

/** The API calls of one step, given what earlier steps (and calls) created. */
export function callsFor(step: FormStep, f: WizardForms, c: Created, labels: Record<FormStep, string>): Call[] {
  if (step === 'network') {
    const calls = networkCalls(f, c, labels.network);
    // The step counts as done once its last call is: a Basic zone's last call is enabling the network.
    calls[calls.length - 1].key = 'network';
    return calls;
  }
  return [callFor(step, f, c, labels)];
}

/** The API call of a one-call step, given what earlier steps created. */
function callFor(step: Exclude<FormStep, 'network'>, f: WizardForms, c: Created, labels: Record<FormStep, string>): Call {
  const zoneid = c.zone!, podid = c.pod!, clusterid = c.cluster!;
  const label = `${labels[step]}`;
  switch (step) {
    case 'zone': {
      const z = f.zone;
      return {
        command: 'createZone', label, idOf: (r) => r?.zone?.id,
        params: {
          name: z.name.trim(), networktype: z.networktype, dns1: z.dns1.trim(), dns2: z.dns2.trim() || undefined, internaldns1: z.internaldns1.trim(),
          guestcidraddress: z.networktype === 'Advanced' ? z.guestcidraddress.trim() || undefined : undefined,
        },
      };
    }
    case 'pod': {
      const p = f.pod;
      return {
        command: 'createPod', label, idOf: (r) => r?.pod?.id,
        params: { zoneid, name: p.name.trim(), gateway: p.gateway.trim(), netmask: p.netmask.trim(), startip: p.startip.trim(), endip: p.endip.trim() },
      };
    }
    case 'cluster':
      return {
        command: 'addCluster', label, idOf: (r) => first(r?.cluster)?.id,
        params: { zoneid, podid, clustername: f.cluster.name.trim(), clustertype: 'CloudManaged', hypervisor: f.cluster.hypervisor },
      };
    case 'host': {
      const h = f.host;
      return {
        command: 'addHost', label, idOf: (r) => first(r?.host)?.id,
        params: {
          zoneid, podid, clusterid, hypervisor: f.cluster.hypervisor, url: h.url.trim(),
          username: h.username.trim() || undefined, password: h.password || undefined, hosttags: h.hosttags.trim() || undefined,
        },
      };
    }
    case 'primary': {
      const p = f.primary;
      const cluster = p.scope === 'CLUSTER';
      return {
        command: 'createStoragePool', label, idOf: (r) => r?.storagepool?.id,
        params: {
          zoneid, scope: p.scope, name: p.name.trim(), url: p.url.trim(), tags: p.tags.trim() || undefined,
          podid: cluster ? podid : undefined, clusterid: cluster ? clusterid : undefined,
          hypervisor: cluster ? undefined : f.cluster.hypervisor,
        },
      };
    }
    case 'secondary':
      return {
        command: 'addImageStore', label, idOf: (r) => r?.imagestore?.id,
        params: { provider: 'NFS', zoneid, url: f.secondary.url.trim(), name: f.secondary.name.trim() || undefined },
      };
  }
}

/**
 * Runs the steps not yet created, in order, stopping at the first failure. Resolves true when every step is done.
 * Reports each step's status and each new id through the callbacks as it goes.
 */
export async function launchZone(
  f: WizardForms, created: Created, run: RunCommand, labels: Record<FormStep, string>,
  on: { status(step: FormStep, s: StepStatus): void; created(key: string, id: string): void },
): Promise<boolean> {
  const ids: Created = { ...created };
  for (const step of FORM_STEPS) {
    if (ids[step]) { on.status(step, { state: 'done' }); continue; }
    on.status(step, { state: 'running' });
    try {
      // Built call by call: a later call of a step needs the id an earlier one created (the physical network's).
      for (let i = 0; ; i++) {
        const call = callsFor(step, f, ids, labels)[i];
        if (!call) break;
        const key = call.key ?? step;
        if (ids[key]) continue;
        const id = call.idOf(await run(call.command, call.params, call.label));
        if (!id) throw new Error(`${call.command} answered without an id`);
        ids[key] = id;
        on.created(key, id);
      }
      on.status(step, { state: 'done' });
    } catch (e) {
      on.status(step, { state: 'failed', error: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }
  return true;
}
