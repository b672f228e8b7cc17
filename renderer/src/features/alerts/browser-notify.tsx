// Browser mode: new alerts as notifications through the Web Notification API, only after the user asks for them
// (a button on the Alerts page; the browser then asks for its permission). The desktop app does this in main
// (main/alert-notifier.ts, Electron's Notification), so here nothing runs when the desktop bridge is present.
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { create } from 'zustand';
import { AlertWatch } from '../../../../main/alert-notifier';
import { desktopBridge } from '../../api/desktop-client';
import { listItems } from '../../api/list-types';
import { useCan, useCloud } from '../../app/client-context';
import { useAlertsMessages } from './messages';
import type { Alert } from '../../../../core/contract/responses';

const KEY = 'strata.alertNotify';
const supported = () => typeof Notification === 'function' && !desktopBridge();

const useOptIn = create<{ on: boolean; set(on: boolean): void }>((set) => ({
  on: (() => { try { return localStorage.getItem(KEY) === '1'; } catch { return false; } })(),
  set: (on) => { localStorage.setItem(KEY, on ? '1' : '0'); set({ on }); },
}));

/** Polls the newest alerts while opted in, and shows the new ones. Renders nothing. */
export function BrowserAlertNotifier() {
  const { client } = useCloud();
  const on = useOptIn((s) => s.on);
  const can = useCan('listAlerts');
  const active = on && can && supported() && Notification.permission === 'granted';
  const [watch] = useState(() => new AlertWatch());
  const q = useQuery({
    queryKey: [client.connectionId, 'alertNotify'],
    queryFn: async () => listItems<Alert>(await client.call('listAlerts', { page: 1, pagesize: 20 })),
    enabled: active,
    refetchInterval: 30_000,
  });
  useEffect(() => {
    if (!active || !q.data) return;
    for (const n of watch.notices(client.connectionId, client.connectionName, q.data)) new Notification(n.title, { body: n.body });
  }, [q.data, active, watch, client]);
  return null;
}

/** The Alerts page's switch: asks the browser for permission the first time. */
export function NotifyToggle() {
  const m = useAlertsMessages();
  const { on, set } = useOptIn();
  if (!supported()) return null;
  const denied = Notification.permission === 'denied';
  const toggle = async () => {
    if (on) return set(false);
    const p = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    set(p === 'granted');
  };
  return (
    <button aria-pressed={on && !denied} disabled={denied} title={denied ? m.notifyBlocked : undefined} onClick={() => void toggle()}>
      {on && !denied ? m.notifyOn : m.notifyOff}
    </button>
  );
}
