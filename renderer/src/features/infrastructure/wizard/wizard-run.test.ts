import { describe, expect, it } from 'vitest';
import { launchZone } from './wizard-run';
import { initialForms, stepErrors, FORM_STEPS, type Created, type FormStep, type StepStatus, type WizardForms } from './wizard-model';
import { simSizeOf, withSimSize } from '../host-url';
import { isCidr, isIPv4, isNetmask } from '../validate';

const M = { required: 'required', invalidIp: 'ip', invalidCidr: 'cidr', invalidVlanRange: 'vlan', outsideSubnet: 'out', endBeforeStart: 'order' };
const LABELS = Object.fromEntries(FORM_STEPS.map((s) => [s, s])) as Record<FormStep, string>;

function filled(): WizardForms {
  const f = initialForms();
  f.zone = { ...f.zone, name: 'Lab', dns1: '8.8.8.8', internaldns1: '10.0.0.2' };
  f.network = { ...f.network, publicGateway: '203.0.113.1', publicStart: '203.0.113.10', publicEnd: '203.0.113.99' };
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
      createStoragePool: { storagepool: { id } }, addImageStore: { imagestore: { id } }, createPhysicalNetwork: { physicalnetwork: { id } },
      addTrafficType: { traffictype: { id: `${id}-${params.traffictype}` } }, updatePhysicalNetwork: { physicalnetwork: { id } },
      createVlanIpRange: { vlaniprange: { id } } } as any)[command];
  };
  return { calls, run };
}

function tracker() {
  const status: Partial<Record<FormStep, StepStatus>> = {};
  const created: Created = {};
  return { status, created, on: { status: (s: FormStep, x: StepStatus) => { status[s] = x; }, created: (k: string, id: string) => { created[k] = id; } } };
}

describe('zone wizard launch', () => {
  it('runs the calls in order, each with the ids created before it; the network step sets up the physical network', async () => {
    const api = fakeApi();
    const t = tracker();
    expect(await launchZone(filled(), {}, api.run, LABELS, t.on)).toBe(true);
    expect(api.calls.map((c) => c.command)).toEqual(['createZone', 'createPhysicalNetwork', 'addTrafficType', 'addTrafficType', 'addTrafficType',
      'updatePhysicalNetwork', 'createVlanIpRange', 'createPod', 'addCluster', 'addHost', 'createStoragePool', 'addImageStore']);
    const net = api.calls.slice(1, 7).map((c) => c.params);
    expect(net[0]).toMatchObject({ zoneid: 'createZone-id', name: 'Physical Network 1', vlan: '100-999', isolationmethods: 'VLAN' });
    expect(net.slice(1, 4).map((p) => [p.physicalnetworkid, p.traffictype])).toEqual([
      ['createPhysicalNetwork-id', 'Guest'], ['createPhysicalNetwork-id', 'Public'], ['createPhysicalNetwork-id', 'Management']]);
    expect(net[4]).toEqual({ id: 'createPhysicalNetwork-id', state: 'Enabled' });
    expect(net[5]).toMatchObject({ zoneid: 'createZone-id', forvirtualnetwork: true, vlan: 'untagged', gateway: '203.0.113.1', startip: '203.0.113.10', endip: '203.0.113.99' });
    expect(api.calls[7].params).toMatchObject({ zoneid: 'createZone-id', gateway: '192.168.1.1' });
    expect(api.calls[9].params).toMatchObject({ clusterid: 'addCluster-id', podid: 'createPod-id', hypervisor: 'Simulator' });
    expect(api.calls[10].params).toMatchObject({ scope: 'CLUSTER', clusterid: 'addCluster-id' });
    expect(api.calls[11].params).toMatchObject({ provider: 'NFS', zoneid: 'createZone-id', url: 'file:///tmp/s' });
    expect(Object.values(t.status).every((s) => s?.state === 'done')).toBe(true);
  });

  it('stops at the first failure with its error text, and a resume does not re-create what succeeded', async () => {
    const api = fakeApi(['createStoragePool']);
    const t = tracker();
    expect(await launchZone(filled(), {}, api.run, LABELS, t.on)).toBe(false);
    expect(t.status.primary).toEqual({ state: 'failed', error: 'createStoragePool refused' });
    expect(t.status.secondary).toBeUndefined();
    expect(Object.keys(t.created).filter((k) => !k.includes('.'))).toEqual(['zone', 'network', 'pod', 'cluster', 'host']);
    api.calls.length = 0;
    expect(await launchZone(filled(), t.created, api.run, LABELS, t.on)).toBe(true);
    expect(api.calls.map((c) => c.command)).toEqual(['createStoragePool', 'addImageStore']);
  });

  it('resumes the network step from the call that failed, without a second physical network', async () => {
    const api = fakeApi(['createVlanIpRange']);
    const t = tracker();
    expect(await launchZone(filled(), {}, api.run, LABELS, t.on)).toBe(false);
    expect(t.status.network).toEqual({ state: 'failed', error: 'createVlanIpRange refused' });
    api.calls.length = 0;
    expect(await launchZone(filled(), t.created, api.run, LABELS, t.on)).toBe(true);
    expect(api.calls.map((c) => c.command).slice(0, 2)).toEqual(['createVlanIpRange', 'createPod']);
  });

  it('omits the guest CIDR for Basic zones and sends a zone-wide pool with the hypervisor', async () => {
    const f = filled();
    f.zone.networktype = 'Basic';
    f.primary.scope = 'ZONE';
    const api = fakeApi();
    await launchZone(f, {}, api.run, LABELS, tracker().on);
    expect(api.calls[0].params.guestcidraddress).toBeUndefined();
    // A Basic zone's network: no VLANs, no Public traffic, no public range.
    expect(api.calls.slice(1, 5).map((c) => c.params.traffictype ?? c.command)).toEqual(['createPhysicalNetwork', 'Guest', 'Management', 'updatePhysicalNetwork']);
    expect(api.calls[1].params.vlan).toBeUndefined();
    expect(api.calls[8].params).toMatchObject({ scope: 'ZONE', hypervisor: 'Simulator', clusterid: undefined });
  });
});

describe('wizard validation', () => {
  it('flags missing and malformed fields per step', () => {
    const f = initialForms();
    expect(stepErrors('zone', f, M)).toMatchObject({ name: 'required', dns1: 'required', internaldns1: 'required' });
    f.zone = { ...f.zone, name: 'z', dns1: '1.2.3', internaldns1: '10.0.0.1', guestcidraddress: '10.0.0.0/33' };
    expect(stepErrors('zone', f, M)).toEqual({ dns1: 'ip', guestcidraddress: 'cidr' });
    expect(stepErrors('pod', filled(), M)).toEqual({});
    expect(stepErrors('network', filled(), M)).toEqual({});
    const n = filled();
    n.network = { ...n.network, guestVlan: '100-5000', publicGateway: '203.0.113.1', publicStart: '203.0.114.5', publicEnd: '203.0.113', publicVlan: 'x' };
    expect(stepErrors('network', n, M)).toEqual({ guestVlan: 'vlan', publicEnd: 'ip', publicVlan: 'vlan' });
    // A VXLAN physical network takes VNIs past 4094, with its own message.
    expect(stepErrors('network', { ...n, network: { ...n.network, isolation: 'VXLAN', guestVlan: '5000-16777215', publicEnd: '203.0.113.50', publicVlan: '' } },
      { ...M, invalidVniRange: 'vni' })).toEqual({ guestVlan: 'vni', publicStart: 'out' });
    expect(stepErrors('network', { ...n, network: { ...n.network, isolation: 'VXLAN', guestVlan: '5000-5999', publicEnd: '203.0.113.50', publicVlan: '' } }, M))
      .toEqual({ publicStart: 'out' });
    n.network = { ...n.network, guestVlan: '100-199,300-310', publicEnd: '203.0.113.50', publicVlan: '' };
    expect(stepErrors('network', n, M)).toEqual({ publicStart: 'out' });
    n.network = { ...n.network, publicStart: '203.0.113.60' };
    expect(stepErrors('network', n, M)).toEqual({ publicEnd: 'order' });
    n.zone.networktype = 'Basic';
    n.network = { ...n.network, publicGateway: '' };
    expect(stepErrors('network', n, M)).toEqual({});
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
