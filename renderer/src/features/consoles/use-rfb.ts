// One console session at a time in a container element: noVNC's RFB over a WebSocket we open ourselves (so the
// proxy's close code and reason are visible: noVNC reports only "clean or not"), a state the toolbar shows, and
// automatic reconnects with backoff after a drop (never after the VM stopped). Unmounting disconnects, which frees
// the proxy's session and its VNC socket at once.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import RFB from '@novnc/novnc';
import { CloudError } from '../../api/cloud-client';
import { backoffMs, ConsoleUnavailable, describeClose, MAX_AUTO_RECONNECTS, type CloseKind, type EndpointSource } from './connection';

export type Phase = 'connecting' | 'connected' | 'disconnected' | 'stopped' | 'failed';
export type Scaling = 'off' | 'fit' | 'remote';

export interface ConsoleStatus {
  phase: Phase;
  /** Why the session ended or could not start. */
  kind?: CloseKind | ConsoleUnavailable['kind'] | 'error';
  /** The server's words (close reason, API error text). */
  detail?: string;
  /** When the next automatic reconnect happens (epoch ms). */
  retryAt?: number;
  attempt: number;
  desktopName?: string;
}

export interface RfbSettings { viewOnly: boolean; scaling: Scaling }

export interface RfbSession {
  status: ConsoleStatus;
  /** The live RFB object (null between sessions). */
  rfb: RefObject<RFB | null>;
  /** Text the guest put on its clipboard, when it has an agent that sends it. */
  remoteClipboard: string;
  reconnect(): void;
  disconnect(): void;
}

function apply(rfb: RFB, s: RfbSettings): void {
  rfb.viewOnly = s.viewOnly;
  rfb.scaleViewport = s.scaling === 'fit';
  rfb.resizeSession = s.scaling === 'remote';
  // Without scaling a large screen scrolls inside its panel (noVNC's screen element scrolls when not clipping).
  rfb.clipViewport = false;
}

export function useRfb(screen: RefObject<HTMLDivElement | null>, source: EndpointSource, settings: RfbSettings, o: { autoFocus?: boolean } = {}): RfbSession {
  const [status, setStatus] = useState<ConsoleStatus>({ phase: 'connecting', attempt: 0 });
  const [remoteClipboard, setRemoteClipboard] = useState('');
  const rfb = useRef<RFB | null>(null);
  const gen = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The latest inputs, read when a session connects (so changing them does not reconnect: a grid tile opened as a
  // tab keeps its session). Synced after each render, before the connecting effect below runs.
  const settingsRef = useRef(settings);
  const sourceRef = useRef(source);
  const autoFocus = useRef(!!o.autoFocus);
  useEffect(() => {
    settingsRef.current = settings;
    sourceRef.current = source;
    autoFocus.current = !!o.autoFocus;
  });
  // A retry timer calls the connect of the render it was set in; through this ref it reaches the current one.
  const connectRef = useRef<(attempt: number) => Promise<void>>(async () => {});

  const teardown = useCallback(() => {
    gen.current++;
    clearTimeout(timer.current);
    const r = rfb.current;
    rfb.current = null;
    if (r) { try { r.disconnect(); } catch { /* already gone */ } }
  }, []);

  // Shows "connecting" for a new attempt. Not part of connect: the first attempt, made by the effect below, starts
  // from the initial "connecting" state, and an effect must not set state synchronously.
  const connecting = useCallback((attempt: number) => {
    setStatus((s) => ({ phase: 'connecting', attempt, desktopName: s.desktopName }));
  }, []);

  const connect = useCallback(async (attempt: number) => {
    teardown();
    const my = gen.current;
    const stale = () => my !== gen.current;

    // `from`: attempts already made in this run of failures (a session that ran starts a new run at 0).
    const retryLater = (kind: ConsoleStatus['kind'], detail?: string, from = attempt) => {
      if (from >= MAX_AUTO_RECONNECTS) { setStatus({ phase: 'disconnected', kind, detail, attempt: from }); return; }
      const wait = backoffMs(from + 1);
      setStatus({ phase: 'disconnected', kind, detail, attempt: from, retryAt: Date.now() + wait });
      timer.current = setTimeout(() => {
        if (stale()) return;
        connecting(from + 1);
        void connectRef.current(from + 1);
      }, wait);
    };

    let url: string;
    try {
      url = await sourceRef.current();
    } catch (e) {
      if (stale()) return;
      if (e instanceof ConsoleUnavailable) {
        setStatus({ phase: e.kind === 'notRunning' ? 'stopped' : 'failed', kind: e.kind, detail: e.message, attempt });
      } else if (e instanceof CloudError && e.errorcode !== 530) {
        setStatus({ phase: 'failed', kind: 'error', detail: e.message, attempt });
      } else {
        retryLater('error', (e as Error).message);
      }
      return;
    }
    if (stale() || !screen.current) return;

    const ws = new WebSocket(url, ['binary']);
    let opened = false;
    let closed: { code: number; reason: string } | undefined;
    let connected = false;
    ws.addEventListener('open', () => { opened = true; });
    // Registered before noVNC sets ws.onclose, so this runs first and the code is known when 'disconnect' fires.
    ws.addEventListener('close', (e) => { closed = { code: e.code, reason: e.reason }; });

    let r: RFB;
    try {
      r = new RFB(screen.current, ws, { shared: true });
    } catch (e) {
      ws.close();
      setStatus({ phase: 'failed', kind: 'error', detail: (e as Error).message, attempt });
      return;
    }
    rfb.current = r;
    r.focusOnClick = true;
    r.background = 'transparent';
    apply(r, settingsRef.current);

    r.addEventListener('connect', () => {
      if (stale()) return;
      connected = true;
      setStatus((s) => ({ phase: 'connected', attempt: 0, desktopName: s.desktopName }));
      if (autoFocus.current && !settingsRef.current.viewOnly) r.focus({ preventScroll: true });
    });
    r.addEventListener('desktopname', (e) => { if (!stale()) setStatus((s) => ({ ...s, desktopName: e.detail.name })); });
    r.addEventListener('clipboard', (e) => { if (!stale()) setRemoteClipboard(e.detail.text); });
    r.addEventListener('securityfailure', (e) => {
      if (!stale()) setStatus({ phase: 'failed', kind: 'handshake', detail: e.detail.reason ?? `status ${e.detail.status}`, attempt });
    });
    r.addEventListener('credentialsrequired', () => {
      // The proxy answers the VM's VNC authentication itself; a password prompt means something is misconfigured.
      if (stale()) return;
      teardown();
      setStatus({ phase: 'failed', kind: 'handshake', detail: 'The VNC server asked this client for credentials', attempt });
    });
    r.addEventListener('disconnect', () => {
      if (stale()) return;
      rfb.current = null;
      const d = describeClose(closed?.code, opened);
      const detail = closed?.reason || undefined;
      if (d.kind === 'vmStopped') { setStatus({ phase: 'stopped', kind: d.kind, detail, attempt }); return; }
      if (!d.retry) { setStatus({ phase: 'failed', kind: d.kind, detail, attempt }); return; }
      retryLater(d.kind, detail, connected ? 0 : attempt);
    });
  }, [screen, teardown, connecting]);

  useEffect(() => {
    connectRef.current = connect;
    void connect(0);
    return teardown;
  }, [connect, teardown]);

  useEffect(() => {
    if (rfb.current) apply(rfb.current, settings);
  }, [settings]);

  return {
    status, rfb, remoteClipboard,
    reconnect: useCallback(() => { connecting(0); void connect(0); }, [connect, connecting]),
    disconnect: useCallback(() => {
      teardown();
      setStatus((s) => ({ phase: 'disconnected', kind: undefined, detail: undefined, attempt: 0, desktopName: s.desktopName }));
    }, [teardown]),
  };
}
