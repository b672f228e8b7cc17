// Launching the zone: one API call per step, in order. A step that already succeeded (its id is in `created`) is
// never called again, so after a failure the operator fixes the input and resumes from the failed step.
import type { Params } from '../../../api/cloud-client';
import { FORM_STEPS, type Created, type FormStep, type StepStatus, type WizardForms } from './wizard-model';

export type RunCommand = (command: string, params: Params, label: string) => Promise<any>;

interface Call { command: string; params: Params; label: string; idOf(result: any): string | undefined }

const first = (list: unknown) => (Array.isArray(list) ? list[0] : list) as { id?: string } | undefined;

/** The API call of one step, given what earlier steps created. */
export function callFor(step: FormStep, f: WizardForms, c: Created, labels: Record<FormStep, string>): Call {
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
  on: { status(step: FormStep, s: StepStatus): void; created(step: FormStep, id: string): void },
): Promise<boolean> {
  const ids: Created = { ...created };
  for (const step of FORM_STEPS) {
    if (ids[step]) { on.status(step, { state: 'done' }); continue; }
    on.status(step, { state: 'running' });
    const call = callFor(step, f, ids, labels);
    try {
      const id = call.idOf(await run(call.command, call.params, call.label));
      if (!id) throw new Error(`${call.command} answered without an id`);
      ids[step] = id;
      on.created(step, id);
      on.status(step, { state: 'done' });
    } catch (e) {
      on.status(step, { state: 'failed', error: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }
  return true;
}
