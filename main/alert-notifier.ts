// New alerts as OS notifications (issue 14). Pure: the caller gives the clock-free parts it needs (how to list a
// connection's newest alerts, how to show a notification), so main (Electron's Notification) and the browser
// console (the Web Notification API, after the user opts in) share the rule of what counts as new:
//   - the first look at a connection only learns what is there (opening the app never floods the desktop);
//   - after that, every alert id not seen before is new; at most MAX_SHOWN are shown one by one, the rest as one
//     "and N more" notification;
//   - a connection that cannot list alerts (a user account, a server that is down) is skipped quietly.

export interface AlertLike { id: string; name?: string; subject?: string; description?: string; type?: number; sent?: string }
export interface OsNotice { title: string; body: string; connectionId: string }

const MAX_SHOWN = 3;

export class AlertWatch {
  readonly #seen = new Map<string, Set<string>>();

  /** The notices for a connection's newest alerts (newest first, as listAlerts answers). */
  notices(connectionId: string, connectionName: string, alerts: AlertLike[]): OsNotice[] {
    const seen = this.#seen.get(connectionId);
    // Remember only the current page: an alert that left it will not come back as new.
    this.#seen.set(connectionId, new Set(alerts.map((a) => a.id)));
    if (!seen) return [];
    const fresh = alerts.filter((a) => !seen.has(a.id));
    const out: OsNotice[] = fresh.slice(0, MAX_SHOWN).map((a) => ({
      connectionId, title: `${connectionName}: ${a.subject ?? a.name ?? 'Alert'}`, body: a.description ?? '',
    }));
    if (fresh.length > MAX_SHOWN) {
      out.push({ connectionId, title: connectionName, body: `${fresh.length - MAX_SHOWN} more new alerts` });
    }
    return out;
  }

  forget(connectionId: string): void { this.#seen.delete(connectionId); }
}

export interface AlertNotifierDeps {
  /** Connections that are ready (others are skipped this round). */
  connections(): { id: string; name: string }[];
  /** A connection's newest alerts, or null when it cannot list them. */
  listAlerts(connectionId: string): Promise<AlertLike[] | null>;
  show(notice: OsNotice): void;
  intervalMs?: number;
}

/** Polls every ready connection for new alerts and shows them; `poll()` is one round (tests call it). */
export function createAlertNotifier(d: AlertNotifierDeps) {
  const watch = new AlertWatch();
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy = false;
  const poll = async (): Promise<number> => {
    let shown = 0;
    const live = d.connections();
    for (const c of live) {
      const alerts = await d.listAlerts(c.id).catch(() => null);
      if (!alerts) continue;
      for (const n of watch.notices(c.id, c.name, alerts)) { d.show(n); shown++; }
    }
    return shown;
  };
  return {
    poll,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        void poll().finally(() => { busy = false; });
      }, d.intervalMs ?? 30_000);
      timer.unref?.();
    },
    stop() { if (timer) clearInterval(timer); timer = undefined; },
  };
}

/** What the desktop app's notifier needs of the connection manager (main/connections). */
export interface NotifierConnections {
  list(): { id: string; name: string; status: { state: string } }[];
  call(id: string, command: string, args: Record<string, string>): Promise<{ ok: true; value: any } | { ok: false; error?: unknown }>;
}
/** Electron's Notification class, as the notifier uses it (passed in: tests give their own; there is no Electron here). */
export interface NotificationClass {
  isSupported(): boolean;
  new (options: { title: string; body: string }): { show(): void };
}

/**
 * The desktop app's notifier: every ready connection's 20 newest alerts (listAlerts), each new one an OS
 * notification where the OS supports them. main.ts starts it with Electron's Notification; everything but that
 * class is tested (alert-notifier.test.ts), since no Electron binary runs here.
 */
export function desktopAlertNotifier(manager: NotifierConnections, Notice: NotificationClass, intervalMs?: number) {
  return createAlertNotifier({
    connections: () => manager.list().filter((c) => c.status.state === 'ready').map((c) => ({ id: c.id, name: c.name })),
    listAlerts: async (id) => {
      const r = await manager.call(id, 'listAlerts', { page: '1', pagesize: '20' });
      return r.ok ? ((r.value as { listalertsresponse?: { alert?: AlertLike[] } }).listalertsresponse?.alert ?? []) : null;
    },
    show: (n) => { if (Notice.isSupported()) new Notice({ title: n.title, body: n.body }).show(); },
    intervalMs,
  });
}
