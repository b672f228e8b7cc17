import { describe, expect, it } from 'vitest';
import { createAlertNotifier, desktopAlertNotifier, type AlertLike, type NotifierConnections, type OsNotice } from './alert-notifier';

const alert = (id: string, subject = `alert ${id}`): AlertLike => ({ id, subject, description: `about ${id}` });

describe('alert notifications', () => {
  it('learns what is there first, then shows each new alert once', async () => {
    let alerts: AlertLike[] = [alert('a'), alert('b')];
    const shown: OsNotice[] = [];
    const n = createAlertNotifier({ connections: () => [{ id: 'c1', name: 'Lab' }], listAlerts: async () => alerts, show: (x) => shown.push(x) });
    expect(await n.poll()).toBe(0);
    alerts = [alert('c', 'Host down'), ...alerts];
    expect(await n.poll()).toBe(1);
    expect(shown[0]).toEqual({ connectionId: 'c1', title: 'Lab: Host down', body: 'about c' });
    expect(await n.poll()).toBe(0);
  });

  it('shows three new alerts one by one and the rest as one notice', async () => {
    let alerts: AlertLike[] = [];
    const shown: OsNotice[] = [];
    const n = createAlertNotifier({ connections: () => [{ id: 'c1', name: 'Lab' }], listAlerts: async () => alerts, show: (x) => shown.push(x) });
    await n.poll();
    alerts = ['1', '2', '3', '4', '5'].map((id) => alert(id));
    await n.poll();
    expect(shown.map((s) => s.body)).toEqual(['about 1', 'about 2', 'about 3', '2 more new alerts']);
  });

  it('skips a connection that cannot list alerts and keeps watching the others', async () => {
    const shown: OsNotice[] = [];
    let round = 0;
    const n = createAlertNotifier({
      connections: () => [{ id: 'user', name: 'As user' }, { id: 'admin', name: 'As admin' }],
      listAlerts: async (id) => { if (id === 'user') throw new Error('not allowed'); return round++ === 0 ? [] : [alert('x')]; },
      show: (x) => shown.push(x),
    });
    await n.poll();
    await n.poll();
    expect(shown.map((s) => s.title)).toEqual(['As admin: alert x']);
  });

  // The desktop wiring up to Electron's Notification class (no Electron binary runs here: the class is the test's).
  it('notifies the desktop of new alerts of ready connections only, through the Notification class, when supported', async () => {
    let alerts: AlertLike[] = [alert('a')];
    const calls: string[] = [];
    const manager: NotifierConnections = {
      list: () => [{ id: 'lab', name: 'Lab', status: { state: 'ready' } }, { id: 'far', name: 'Far', status: { state: 'connecting' } }],
      call: async (id, command, args) => { calls.push(`${id} ${command} ${args.pagesize}`); return { ok: true, value: { listalertsresponse: { alert: alerts } } }; },
    };
    const shown: { title: string; body: string }[] = [];
    let supported = true;
    class FakeNotification {
      static isSupported() { return supported; }
      constructor(private readonly o: { title: string; body: string }) {}
      show() { shown.push(this.o); }
    }
    const n = desktopAlertNotifier(manager, FakeNotification);
    await n.poll();
    alerts = [alert('b', 'Host h1 is down'), ...alerts];
    await n.poll();
    expect(calls).toEqual(['lab listAlerts 20', 'lab listAlerts 20']);
    expect(shown).toEqual([{ title: 'Lab: Host h1 is down', body: 'about b' }]);
    // Where the OS has no notifications, nothing is shown (and nothing throws).
    supported = false;
    alerts = [alert('c'), ...alerts];
    await n.poll();
    expect(shown).toHaveLength(1);
  });
});
