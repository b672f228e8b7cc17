import { describe, expect, it } from 'vitest';
import { launchZone } from './wizard-run';
import { initialForms, stepErrors, FORM_STEPS, type Created, type FormStep, type StepStatus, type WizardForms } from './wizard-model';
import { simSizeOf, withSimSize } from '../host-url';
import { isCidr, isIPv4, isNetmask } from '../validate';

const M = { required: 'required', invalidIp: 'ip', invalidCidr: 'cidr' };
const LABELS = Object.fromEntries(FORM_STEPS.map((s) => [s, s])) as Record<FormStep, string>;

function filled(): WizardForms {
  const f = initialForms();
  f.zone = { ...f.zone, name: 'Lab', dns1: '8.8.8.8', internaldns1: '10.0.0.2' };
  f.pod = { name: 'P1', gateway: '192.168.1.1', netmask: '255.255.255.0', startip: '192.168.1.10', endip: '192.168.1.99' };
  f.cluster = { name: 'C1', hypervisor: 'Simulator' };
  f.primary = { ...f.primary, name: 'pri', url: 'SharedMountPoint://localhost/tmp/p' };
  f.secondary = { name: '', url: 'file:///tmp/s' };
  return f;
}

/** A fake API: answers like CloudStack, records calls, fails the commands named in `failing` once each. */
function fakeApi(failing: string[] = []) {
  const calls: { command: string; params: any }[] = [];
  const left = [...failing];
  const run = async (command: string, params: any) => {
    calls.push({ command, params });
    const i = left.indexOf(command);
    if (i >= 0) { left.splice(i, 1); throw new Error(`${command} refused`); }
    const id = `${command}-id`;
    return ({ createZone: { zone: { id } }, createPod: { pod: { id } }, addCluster: { count: 1, cluster: [{ id }] }, addHost: { count: 1, host: [{ id }] },
      createStoragePool: { storagepool: { id } }, addImageStore: { imagestore: { id } } } as any)[command];
  };
  return { calls, run };
}

function tracker() {
  const status: Partial<Record<FormStep, StepStatus>> = {};
  const created: Created = {};
  return { status, created, on: { status: (s: FormStep, x: StepStatus) => { status[s] = x; }, created: (s: FormStep, id: string) => { created[s] = id; } } };
}

describe('zone wizard launch', () => {
  it('runs the six calls in order, each with the ids created before it', async () => {
    const api = fakeApi();
    const t = tracker();
    expect(await launchZone(filled(), {}, api.run, LABELS, t.on)).toBe(true);
    expect(api.calls.map((c) => c.command)).toEqual(['createZone', 'createPod', 'addCluster', 'addHost', 'createStoragePool', 'addImageStore']);
    expect(api.calls[1].params).toMatchObject({ zoneid: 'createZone-id', gateway: '192.168.1.1' });
    expect(api.calls[3].params).toMatchObject({ clusterid: 'addCluster-id', podid: 'createPod-id', hypervisor: 'Simulator' });
    expect(api.calls[4].params).toMatchObject({ scope: 'CLUSTER', clusterid: 'addCluster-id' });
    expect(api.calls[5].params).toMatchObject({ provider: 'NFS', zoneid: 'createZone-id', url: 'file:///tmp/s' });
    expect(Object.values(t.status).every((s) => s?.state === 'done')).toBe(true);
  });

  it('stops at the first failure with its error text, and a resume does not re-create what succeeded', async () => {
    const api = fakeApi(['createStoragePool']);
    const t = tracker();
    expect(await launchZone(filled(), {}, api.run, LABELS, t.on)).toBe(false);
    expect(t.status.primary).toEqual({ state: 'failed', error: 'createStoragePool refused' });
    expect(t.status.secondary).toBeUndefined();
    expect(Object.keys(t.created)).toEqual(['zone', 'pod', 'cluster', 'host']);
    api.calls.length = 0;
    expect(await launchZone(filled(), t.created, api.run, LABELS, t.on)).toBe(true);
    expect(api.calls.map((c) => c.command)).toEqual(['createStoragePool', 'addImageStore']);
  });

  it('omits the guest CIDR for Basic zones and sends a zone-wide pool with the hypervisor', async () => {
    const f = filled();
    f.zone.networktype = 'Basic';
    f.primary.scope = 'ZONE';
    const api = fakeApi();
    await launchZone(f, {}, api.run, LABELS, tracker().on);
    expect(api.calls[0].params.guestcidraddress).toBeUndefined();
    expect(api.calls[4].params).toMatchObject({ scope: 'ZONE', hypervisor: 'Simulator', clusterid: undefined });
  });
});

describe('wizard validation', () => {
  it('flags missing and malformed fields per step', () => {
    const f = initialForms();
    expect(stepErrors('zone', f, M)).toMatchObject({ name: 'required', dns1: 'required', internaldns1: 'required' });
    f.zone = { ...f.zone, name: 'z', dns1: '1.2.3', internaldns1: '10.0.0.1', guestcidraddress: '10.0.0.0/33' };
    expect(stepErrors('zone', f, M)).toEqual({ dns1: 'ip', guestcidraddress: 'cidr' });
    expect(stepErrors('pod', filled(), M)).toEqual({});
    const kvm = filled();
    kvm.cluster.hypervisor = 'KVM';
    expect(stepErrors('host', kvm, M)).toMatchObject({ username: 'required', password: 'required' });
    expect(stepErrors('host', filled(), M)).toEqual({});
  });

  it('checks addresses, CIDRs and netmasks', () => {
    expect(isIPv4('10.0.0.255')).toBe(true);
    expect(isIPv4('10.0.0.256')).toBe(false);
    expect(isCidr('10.1.1.0/24')).toBe(true);
    expect(isCidr('10.1.1.0')).toBe(false);
    expect(isNetmask('255.255.255.0')).toBe(true);
    expect(isNetmask('255.0.255.0')).toBe(false);
  });
});

describe('simulator host URL helper', () => {
  it('reads and writes the size fields in the URL query, keeping other keys', () => {
    const url = 'http://sim-7/?cpunumber=8&latency=5';
    expect(simSizeOf(url)).toEqual({ cpunumber: '8', cpuspeed: '', memory: '' });
    const next = withSimSize(withSimSize(url, 'memory', '4096'), 'cpunumber', '16');
    expect(simSizeOf(next)).toEqual({ cpunumber: '16', cpuspeed: '', memory: '4096' });
    expect(next).toContain('latency=5');
    expect(withSimSize('http://sim-8', 'cpuspeed', '2000')).toBe('http://sim-8/?cpuspeed=2000');
    expect(withSimSize('http://sim-8/?cpuspeed=2000', 'cpuspeed', '')).toBe('http://sim-8/');
  });
});
