// Settings over HTTP: an operator lists them, changes them globally or for one cluster or zone, and resets them;
// a change applies at once (no restart), scoped values beat the global one only where they are set, and bad names,
// values and scopes get CloudStack's errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoLab } from '../demo';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';

type Client = Awaited<ReturnType<typeof sessionClient>>;
let t: TestServer;
let admin: Client;
let zoneId: string;
let clusterId: string;

const list = async (params: Record<string, string>) => {
  const r = await admin.call('listConfigurations', params);
  expect(r.status).toBe(200);
  return r.json.listconfigurationsresponse as { count: number; configuration: Record<string, any>[] };
};
const update = (params: Record<string, string>) => admin.call('updateConfiguration', params, 'POST');
const reset = (params: Record<string, string>) => admin.call('resetConfiguration', params, 'POST');
const errorOf = (r: { status: number; json: any }, command: string) => ({ status: r.status, text: r.json[`${command}response`]?.errortext });

beforeAll(async () => {
  t = await startTestServer();
  ({ zoneId } = await seedDemoLab(t.core));
  admin = await sessionClient(t.url);
  clusterId = (await admin.call('listClusters', { zoneid: zoneId })).json.listclustersresponse.cluster[0].id;
}, 60_000);
afterAll(async () => { await t?.stop(); });

describe('settings', () => {
  it('lists the declared settings with CloudStack\'s fields, filtered and paged', async () => {
    const all = await list({});
    expect(all.count).toBeGreaterThan(10);
    const lockout = all.configuration.find((c) => c.name === 'incorrect.login.attempts.allowed')!;
    expect(lockout).toMatchObject({ value: '5', defaultvalue: '5', type: 'Number', category: 'Authentication', isdynamic: true, scope: 'global' });
    expect(typeof lockout.description).toBe('string');
    const factor = (await list({ name: 'cpu.overprovisioning' })).configuration;
    expect(factor.map((c) => c.name)).toEqual(['cpu.overprovisioning.factor']);
    expect(factor[0]).toMatchObject({ type: 'Decimal', scope: 'cluster' });
    const alerts = await list({ category: 'alert' });
    expect(alerts.count).toBe(5);
    expect(alerts.configuration.every((c) => c.name.endsWith('notificationthreshold'))).toBe(true);
    const page = await list({ page: '2', pagesize: '3' });
    expect(page.count).toBe(all.count);
    expect(page.configuration.map((c) => c.name)).toEqual(all.configuration.slice(3, 6).map((c) => c.name));
    // A cluster's list shows only cluster-scoped settings.
    const cluster = await list({ clusterid: clusterId });
    expect(cluster.configuration.length).toBeGreaterThan(0);
    expect(cluster.configuration.every((c) => c.scope === 'cluster')).toBe(true);
  });

  it('a global change applies at once: the login lockout follows incorrect.login.attempts.allowed', async () => {
    await admin.call('createAccount', { username: 'carol', password: 'pw-carol-1', email: 'c@example.org', firstname: 'C', lastname: 'L', accounttype: '0' }, 'POST');
    const changed = await update({ name: 'incorrect.login.attempts.allowed', value: ' 2 ' });
    expect(changed.status).toBe(200);
    expect(changed.json.updateconfigurationresponse.configuration).toMatchObject({ name: 'incorrect.login.attempts.allowed', value: '2' });
    for (let i = 0; i < 2; i++) await expect(sessionClient(t.url, 'carol', 'wrong')).rejects.toThrow();
    // Locked after two failures now: even the right password is refused.
    await expect(sessionClient(t.url, 'carol', 'pw-carol-1')).rejects.toThrow();
    const events = (await admin.call('listEvents', { type: 'CONFIGURATION.VALUE.EDIT' })).json.listeventsresponse.event;
    expect(events[0].description).toContain('incorrect.login.attempts.allowed');
    // Reset: the default again; the value "null" resets as well (CloudStack's way to clear a value).
    const back = await reset({ name: 'incorrect.login.attempts.allowed' });
    expect(back.json.resetconfigurationresponse.configuration.value).toBe('5');
    await update({ name: 'ha.workers', value: '9' });
    expect((await update({ name: 'ha.workers', value: 'null' })).json.updateconfigurationresponse.configuration.value).toBe('5');
  });

  it('a cluster\'s overcommit ratio is its own: listClusters and the cluster\'s settings agree, the global value stays', async () => {
    const set = await update({ name: 'cpu.overprovisioning.factor', value: '2.5', clusterid: clusterId });
    expect(set.status).toBe(200);
    expect(set.json.updateconfigurationresponse.configuration).toMatchObject({ value: '2.5', scope: 'cluster' });
    const c = (await admin.call('listClusters', { id: clusterId })).json.listclustersresponse.cluster[0];
    expect(c.cpuovercommitratio).toBe('2.5');
    expect((await list({ clusterid: clusterId, name: 'cpu.overprovisioning.factor' })).configuration[0].value).toBe('2.5');
    expect((await list({ name: 'cpu.overprovisioning.factor' })).configuration[0].value).toBe('1');
    // The capacity the planner and listCapacity see follows the ratio.
    const cpuTotal = async () => (await admin.call('listCapacity', { clusterid: clusterId, type: '1' })).json.listcapacityresponse.capacity[0].capacitytotal;
    const before = await cpuTotal();
    await reset({ name: 'cpu.overprovisioning.factor', clusterid: clusterId });
    expect((await admin.call('listClusters', { id: clusterId })).json.listclustersresponse.cluster[0].cpuovercommitratio).toBe('1.0');
    expect(await cpuTotal()).toBeCloseTo(before / 2.5, 0);
  });

  it('a zone\'s threshold beats the global one there only, and its reset falls back to the global value', async () => {
    const name = 'pool.storage.capacity.notificationthreshold';
    await update({ name, value: '0.6' });
    expect((await update({ name, value: '0.9', zoneid: zoneId })).status).toBe(200);
    expect((await list({ zoneid: zoneId, name })).configuration[0]).toMatchObject({ value: '0.9', scope: 'zone' });
    expect((await list({ name })).configuration[0].value).toBe('0.6');
    expect((await reset({ name, zoneid: zoneId })).json.resetconfigurationresponse.configuration.value).toBe('0.6');
    await reset({ name });
  });

  it('bad names, values and scopes get CloudStack\'s errors and change nothing', async () => {
    expect(errorOf(await update({ name: 'no.such.setting', value: '1' }), 'updateconfiguration'))
      .toEqual({ status: 431, text: 'Config parameter with name no.such.setting doesn\'t exist' });
    expect(errorOf(await update({ name: 'ha.workers', value: 'many' }), 'updateconfiguration')).toEqual({ status: 431,
      text: 'There was error in trying to parse value: many. Please enter a valid integer value for parameter ha.workers' });
    expect(errorOf(await update({ name: 'network.kvm.datapath', value: 'yes' }), 'updateconfiguration'))
      .toEqual({ status: 431, text: 'Please enter either \'true\' or \'false\'.' });
    expect(errorOf(await update({ name: 'cpu.overprovisioning.factor', value: '0' }), 'updateconfiguration'))
      .toEqual({ status: 431, text: 'cpu.overprovisioning.factor should be greater than 0' });
    expect(errorOf(await update({ name: 'zone.secstorage.capacity.notificationthreshold', value: '1.5' }), 'updateconfiguration').text)
      .toBe('Please enter a value between 0 and 1 for the configuration parameter: zone.secstorage.capacity.notificationthreshold');
    expect(errorOf(await update({ name: 'host.maintenance.unmovable.vm.strategy', value: 'Ignore' }), 'updateconfiguration').text)
      .toBe('The provided value is not a valid value for this configuration (Options are: [Stop,Error]).');
    expect(errorOf(await update({ name: 'ha.workers', value: '3', zoneid: zoneId }), 'updateconfiguration'))
      .toEqual({ status: 431, text: 'Invalid scope id provided for the parameter ha.workers' });
    expect(errorOf(await update({ name: 'cpu.overprovisioning.factor', value: '2', zoneid: zoneId, clusterid: clusterId }), 'updateconfiguration').text)
      .toBe('cannot handle multiple IDs, provide only one ID corresponding to the scope');
    const missing = errorOf(await reset({ name: 'cpu.overprovisioning.factor', clusterid: '6f1c4a57-0000-4000-8000-000000000000' }), 'resetconfiguration');
    expect(missing.status).toBe(431);
    expect(missing.text).toContain('clusterid');
    // An option is stored in its declared spelling; nothing above changed a value.
    expect((await update({ name: 'host.maintenance.unmovable.vm.strategy', value: 'error' })).json.updateconfigurationresponse.configuration.value).toBe('Error');
    await reset({ name: 'host.maintenance.unmovable.vm.strategy' });
    const values = Object.fromEntries((await list({})).configuration.map((c) => [c.name, c.value]));
    expect(values).toMatchObject({ 'ha.workers': '5', 'network.kvm.datapath': 'false', 'cpu.overprovisioning.factor': '1' });
  });

  it('users may not read or change settings', async () => {
    await admin.call('createAccount', { username: 'dave', password: 'pw-dave-1', email: 'd@example.org', firstname: 'D', lastname: 'L', accounttype: '0' }, 'POST');
    const dave = await sessionClient(t.url, 'dave', 'pw-dave-1');
    expect((await dave.call('listConfigurations')).status).not.toBe(200);
    expect((await dave.call('updateConfiguration', { name: 'ha.workers', value: '1' }, 'POST')).status).not.toBe(200);
  });
});
