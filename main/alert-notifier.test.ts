import { describe, expect, it } from 'vitest';
import { createAlertNotifier, type AlertLike, type OsNotice } from './alert-notifier';

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
});
