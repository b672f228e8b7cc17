// Two management servers on one database (two cores in this process, each with its own simulator): a host's
// simulated machine lives in the server that connected it, so a VM operation asked of the other server must be
// forwarded to the owner (cluster/forwarding-drivers.ts). Before forwarding, a deploy through server B to a host of
// server A failed with 533 and a stop with 534 "Host ... is not connected".
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';
import { driverForHost } from '../hypervisors/registry';
import { PEER_DRIVER_PATH } from './peer-wire';
import { clusterVncOpener, PEER_VNC_PATH } from '../console/peer-vnc';

const cluster = { heartbeatMs: 0, downAfterMs: 60_000, cacheSyncMs: 0 };
let a: TestServer, b: TestServer;
let onB: Awaited<ReturnType<typeof sessionClient>>;
let zoneId: string, hostId: string, so: string, tpl: string;

beforeAll(async () => {
  a = await startTestServer({ cluster });
  b = await startTestServer({ db: a.db, cluster });
  const onA = await sessionClient(a.url);
  onB = await sessionClient(b.url, 'admin', ADMIN_PASSWORD);
  const { seedDemoLab } = await import('../demo');
  ({ zoneId } = await seedDemoLab(a.core));
  const cl = (await onA.call('listClusters', { zoneid: zoneId })).json.listclustersresponse.cluster[0];
  hostId = (await onA.call('addHost', { zoneid: zoneId, podid: cl.podid, clusterid: cl.id, hypervisor: 'Simulator',
    username: 'root', password: 'sim', url: 'http://sim-fwd/?cpunumber=8&cpuspeed=2000&memory=65536' })).json.addhostresponse.host[0].id;
  so = (await onA.call('listServiceOfferings')).json.listserviceofferingsresponse.serviceoffering[0].id;
  tpl = (await onA.call('listTemplates', { templatefilter: 'all', zoneid: zoneId })).json.listtemplatesresponse.template[0].id;
});
afterAll(async () => { await b?.stop(); await a?.stop(); });

const power = async (t: TestServer, vmId: string) => {
  const host = await t.core.svc.db.selectFrom('hosts').select(['hypervisor', 'url']).where('id', '=', hostId).executeTakeFirstOrThrow();
  return (await driverForHost(t.core.svc.drivers, host).vmPowerStates(hostId)).get(vmId);
};

describe('a command for a host owned by another management server', () => {
  it('is forwarded to the owner: deploy, stop and start through server B run on server A\'s host', async () => {
    const owner = (await onB.call('listHosts', { id: hostId })).json.listhostsresponse.host[0].managementserverid;
    expect(owner).toBe(a.core.svc.config.msId);
    const dep = await onB.call('deployVirtualMachine', { zoneid: zoneId, serviceofferingid: so, templateid: tpl, hostid: hostId, name: 'via-b' });
    const deployed = await waitJob(onB.call, dep.json.deployvirtualmachineresponse.jobid);
    expect(deployed.jobstatus, JSON.stringify(deployed.jobresult)).toBe(1);
    const vm = deployed.jobresult.virtualmachine;
    expect(vm).toMatchObject({ state: 'Running', hostid: hostId });
    // The machine runs in A's simulator; B sees it through A.
    expect(await power(a, vm.id)).toBe('PowerOn');
    expect(await power(b, vm.id)).toBe('PowerOn');

    const stop = await waitJob(onB.call, (await onB.call('stopVirtualMachine', { id: vm.id })).json.stopvirtualmachineresponse.jobid);
    expect(stop.jobstatus, JSON.stringify(stop.jobresult)).toBe(1);
    expect(stop.jobresult.virtualmachine.state).toBe('Stopped');
    expect(await power(a, vm.id) ?? 'PowerOff').toBe('PowerOff');
    const start = await waitJob(onB.call, (await onB.call('startVirtualMachine', { id: vm.id })).json.startvirtualmachineresponse.jobid);
    expect(start.jobstatus, JSON.stringify(start.jobresult)).toBe(1);
    expect(start.jobresult.virtualmachine).toMatchObject({ state: 'Running', hostid: hostId });
    expect(await power(a, vm.id)).toBe('PowerOn');
  });

  it('an error on the owner comes back to the caller with its text', async () => {
    const host = await b.core.svc.db.selectFrom('hosts').select(['hypervisor', 'url']).where('id', '=', hostId).executeTakeFirstOrThrow();
    const err = await driverForHost(b.core.svc.drivers, host).rebootVm(hostId, 'no-such-vm').then(() => null, (e: unknown) => e);
    expect(String(err)).toBe(`Error: Simulator: VM no-such-vm is not on host ${hostId}`);
  });

  it('the peer endpoint refuses requests not signed with the cluster key', async () => {
    const body = JSON.stringify({ hostId, method: 'destroyVm', args: [hostId, 'x'] });
    const res = await fetch(a.url + PEER_DRIVER_PATH, { method: 'POST', body, headers: { 'content-type': 'application/json',
      'x-strata-cluster-time': String(Date.now()), 'x-strata-cluster-signature': '00'.repeat(32) } });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('signature does not match');
  });

  it('a console of server A\'s host asked of server B is opened by A; its refusal comes back with its reason', async () => {
    const vm = (await onB.call('deployVirtualMachine', { zoneid: zoneId, serviceofferingid: so, templateid: tpl, hostid: hostId }))
      .json.deployvirtualmachineresponse;
    const vmId = (await waitJob(onB.call, vm.jobid)).jobresult.virtualmachine.id;
    const err = await clusterVncOpener(b.core.svc, () => Promise.reject(new Error('opened locally')))(hostId, vmId).then(() => null, (e: unknown) => e);
    expect(String(err)).toBe('Error: Simulator hosts offer no console access');
  });

  it('the peer console endpoint refuses upgrades not signed with the cluster key', async () => {
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = http.request(`${a.url}${PEER_VNC_PATH}?host=${hostId}&vm=x`, { headers: { Connection: 'Upgrade', Upgrade: 'strata-vnc',
        'x-strata-cluster-time': String(Date.now()), 'x-strata-cluster-signature': '00'.repeat(32) } });
      req.once('upgrade', () => reject(new Error('upgraded without a valid signature')));
      req.once('response', (res) => { let body = ''; res.on('data', (c) => { body += c; }); res.on('end', () => resolve({ status: res.statusCode, body })); });
      req.once('error', reject);
      req.end();
    });
    expect(answer).toMatchObject({ status: 401, body: expect.stringContaining('signature does not match') });
  });
});
