import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { EventInput, Notification } from '../kernel/services';
import { makeEnv, callerOf, type AccountName, type TestEnv } from '../jobs/test-env';
import { eventsModule } from './index';

type Item = Record<string, unknown>;
const list = (e: TestEnv, who: AccountName, args: Record<string, unknown> = {}) =>
  eventsModule.handlers.listEvents(e.ctx(who, 'listEvents'), args) as unknown as Promise<{ count: number; items: Item[] }>;
const h = eventsModule.handlers;

function by(who: AccountName): Pick<EventInput, 'userId' | 'accountId' | 'domainId'> {
  const c = callerOf(who);
  return { userId: c.userId, accountId: c.accountId, domainId: c.domainId };
}

let e: TestEnv;
beforeEach(async () => { e = await makeEnv(); });
afterEach(async () => { await e.close(); });

describe('event log', () => {
  it('pages through every event once, newest first, the later pages read from the oldest end', async () => {
    for (let i = 0; i < 7; i++) await e.events.record({ type: 'VM.START', description: `event ${i}`, ...by('alice') });
    const whole = (await list(e, 'admin', { listall: true, pagesize: 500 })).items.map((i) => i.description);
    expect(whole).toEqual(['event 6', 'event 5', 'event 4', 'event 3', 'event 2', 'event 1', 'event 0']);
    const paged: unknown[] = [];
    for (let page = 1; page <= 4; page++) {
      const r = await list(e, 'admin', { listall: true, page, pagesize: 2 });
      expect(r.count).toBe(7);
      paged.push(...r.items.map((i) => i.description));
    }
    expect(paged).toEqual(whole);
  });

  it('records an event that listEvents shows at once, with CloudStack fields and types', async () => {
    const id = await e.events.record({ type: 'VM.START', description: 'Starting VM web-1', state: 'Completed',
      resourceId: 'vm-1', resourceType: 'VirtualMachine', resourceName: 'web-1', parentId: 'ev-0', ...by('alice') });
    const r = await list(e, 'alice');
    expect(r.count).toBe(1);
    expect(r.items[0]).toEqual({
      id, username: 'alice', type: 'VM.START', level: 'INFO', description: 'Starting VM web-1', account: 'alice',
      domainid: 'dom-d1', domain: 'D1', domainpath: 'ROOT/D1', created: '2024-05-01T12:00:00+0000', state: 'Completed',
      parentid: 'ev-0', resourceid: 'vm-1', resourcetype: 'VirtualMachine', resourcename: 'web-1', archived: false,
    });
  });

  it('names an automatically named VM once: "Starting VM-<uuid>", not "Starting VM VM-<uuid>"', async () => {
    const auto = 'VM-5d1c0c3e-8f5a-4b8e-9a0e-1f2b3c4d5e6f';
    await e.events.record({ type: 'VM.START', description: `Starting VM ${auto}`, state: 'Started', ...by('alice') });
    await e.events.record({ type: 'VM.START', description: `VM ${auto}: start succeeded, now Running`, ...by('alice') });
    await e.events.record({ type: 'VM.START', description: 'Starting VM VM-web', ...by('alice') });
    expect((await list(e, 'alice')).items.map((i) => i.description).sort()).toEqual(
      ['Starting VM VM-web', `Starting ${auto}`, `${auto}: start succeeded, now Running`].sort());
    await e.events.alert({ type: 8, name: 'ALERT.USERVM', description: `HA: VM ${auto} could not be restarted` });
    expect((await e.db.selectFrom('alerts').select('description').executeTakeFirstOrThrow()).description).toBe(`HA: ${auto} could not be restarted`);
  });

  it('commits many concurrent records as a group, each visible once its promise resolved', async () => {
    const ids = await Promise.all(Array.from({ length: 1200 }, (_, i) =>
      e.events.record({ type: 'VM.CREATE', description: `vm ${i}`, ...by('admin') })));
    expect(new Set(ids).size).toBe(1200);
    expect((await list(e, 'admin', { listall: true, pagesize: -1 })).count).toBe(1200);
  });

  it('flushes events recorded without awaiting before listEvents reads', async () => {
    void e.events.record({ type: 'VM.STOP', description: 'not awaited', ...by('admin') });
    expect((await list(e, 'admin')).items.map((i) => i.description)).toEqual(['not awaited']);
  });

  it('tells subscribers about events until they dispose', async () => {
    const seen: Notification[] = [];
    const dispose = e.events.subscribe((n) => seen.push(n));
    e.events.subscribe(() => { throw new Error('a broken subscriber does not stop the others'); });
    await e.events.record({ type: 'HOST.CREATE', description: 'added host' });
    dispose();
    await e.events.record({ type: 'HOST.DELETE', description: 'removed host' });
    e.events.notify({ kind: 'state', resourceType: 'Host', resourceId: 'h1', state: 'Up' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'event', event: { type: 'HOST.CREATE', level: 'INFO', state: 'Completed', created: e.clock.t } });
  });

  it('stores alerts', async () => {
    await e.events.alert({ type: 7, name: 'ALERT.COMPUTE.HOST', description: 'Host h1 is down', zoneId: 'z1' });
    const rows = await e.db.selectFrom('alerts').selectAll().execute();
    expect(rows).toMatchObject([{ type: 7, name: 'ALERT.COMPUTE.HOST', description: 'Host h1 is down', zone_id: 'z1', archived: 0 }]);
  });
});

describe('listEvents', () => {
  beforeEach(async () => {
    const at = (d: string) => { e.clock.t = Date.parse(d); };
    at('2024-05-01T09:00:00Z');
    await e.events.record({ type: 'VM.CREATE', description: 'Created VM alpha', resourceId: 'vm-a', resourceType: 'VirtualMachine', ...by('alice') });
    at('2024-05-02T10:30:00Z');
    await e.events.record({ type: 'VM.STOP', level: 'WARN', description: 'Stopped VM alpha', resourceId: 'vm-a', resourceType: 'VirtualMachine', ...by('alice') });
    at('2024-05-03T23:59:00Z');
    await e.events.record({ type: 'VM.CREATE', description: 'Created VM beta', resourceId: 'vm-b', resourceType: 'VirtualMachine', ...by('bob') });
    await e.events.record({ type: 'HOST.CREATE', level: 'ERROR', description: 'Host h1 added', resourceId: 'h1', resourceType: 'Host' });
  });
  const descs = (r: { items: Item[] }) => r.items.map((i) => i.description);

  it('scopes by owner: users see their own, domain admins their domain, root admins everything (newest first)', async () => {
    expect(descs(await list(e, 'alice', { listall: true }))).toEqual(['Stopped VM alpha', 'Created VM alpha']);
    expect(descs(await list(e, 'd1admin', { listall: true }))).toEqual(['Created VM beta', 'Stopped VM alpha', 'Created VM alpha']);
    expect((await list(e, 'admin', { listall: true })).count).toBe(4);
    // Without listall even a root admin sees only its own account's events; system events need listall.
    expect(await list(e, 'admin')).toEqual({ count: 0, items: [] });
  });

  it('filters by type, level, resource, id, keyword and dates', async () => {
    const all = { listall: true };
    expect(descs(await list(e, 'admin', { ...all, type: 'VM.CREATE' }))).toEqual(['Created VM beta', 'Created VM alpha']);
    expect(descs(await list(e, 'admin', { ...all, level: 'WARN' }))).toEqual(['Stopped VM alpha']);
    expect(descs(await list(e, 'admin', { ...all, resourceid: 'vm-a' }))).toHaveLength(2);
    expect(descs(await list(e, 'admin', { ...all, resourcetype: 'host' }))).toEqual(['Host h1 added']);
    expect(descs(await list(e, 'admin', { ...all, keyword: 'beta' }))).toEqual(['Created VM beta']);
    const some = (await list(e, 'admin', all)).items[2];
    expect(descs(await list(e, 'admin', { id: some.id }))).toEqual([some.description]);
    // A date alone as enddate includes the whole day; startdate with a time is exact.
    expect(descs(await list(e, 'admin', { ...all, startdate: '2024-05-02', enddate: '2024-05-02' }))).toEqual(['Stopped VM alpha']);
    expect(descs(await list(e, 'admin', { ...all, startdate: '2024-05-02 10:30:01' }))).toEqual(['Host h1 added', 'Created VM beta']);
    expect(descs(await list(e, 'admin', { ...all, enddate: '2024-05-01 09:00:00' }))).toEqual(['Created VM alpha']);
    await expect(list(e, 'admin', { startdate: '2024-05-03', enddate: '2024-05-01' })).rejects.toMatchObject({ errorcode: 431 });
  });

  it('pages with the total count', async () => {
    const r = await list(e, 'admin', { listall: true, page: 2, pagesize: 3 });
    expect(r.count).toBe(4);
    expect(descs(r)).toEqual(['Created VM alpha']);
  });
});

describe('archiveEvents and deleteEvents', () => {
  it('archives the selected events: hidden from listEvents unless archived=true', async () => {
    await e.events.record({ type: 'VM.CREATE', description: 'one', ...by('alice') });
    const two = await e.events.record({ type: 'VM.STOP', description: 'two', ...by('alice') });
    await h.archiveEvents(e.ctx('alice', 'archiveEvents'), { type: 'VM.CREATE' });
    expect((await list(e, 'alice')).items.map((i) => i.id)).toEqual([two]);
    expect((await list(e, 'alice', { archived: true })).items).toMatchObject([{ description: 'one', archived: true }]);
  });

  it('deletes by ids and by end date, only among events the caller may list', async () => {
    const mine = await e.events.record({ type: 'VM.CREATE', description: 'mine', ...by('alice') });
    const bobs = await e.events.record({ type: 'VM.CREATE', description: 'bobs', ...by('bob') });
    await expect(h.deleteEvents(e.ctx('alice', 'deleteEvents'), { ids: [mine, bobs] })).rejects.toMatchObject({ errorcode: 530 });
    await h.deleteEvents(e.ctx('alice', 'deleteEvents'), { enddate: '2024-05-01' });
    expect((await list(e, 'admin', { listall: true })).items.map((i) => i.id)).toEqual([bobs]);
    await h.deleteEvents(e.ctx('admin', 'deleteEvents'), { ids: [bobs] });
    expect((await list(e, 'admin', { listall: true })).count).toBe(0);
  });

  it('requires ids, type or enddate', async () => {
    await expect(h.archiveEvents(e.ctx('admin', 'archiveEvents'), {})).rejects.toMatchObject({ errorcode: 431 });
    await expect(h.deleteEvents(e.ctx('admin', 'deleteEvents'), { startdate: '2024-05-01' })).rejects.toMatchObject({ errorcode: 431 });
  });
});

describe('listEventTypes', () => {
  it('lists CloudStack event type names', async () => {
    const r = (await h.listEventTypes(e.ctx('alice', 'listEventTypes'), {})) as { count: number; items: { name: string }[] };
    expect(r.count).toBe(r.items.length);
    expect(r.items.map((i) => i.name)).toEqual(expect.arrayContaining(['VM.CREATE', 'VM.START', 'MAINT.PREPARE', 'VOLUME.CREATE']));
  });
});
