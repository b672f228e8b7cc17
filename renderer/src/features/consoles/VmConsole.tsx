// A VM's console: noVNC screen, its connection state in words, and the operator's tools (scaling, key combos,
// type text, clipboard, view only, fullscreen, pop-out, reconnect). `thumb` is the grid's live view-only tile.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { desktopBridge } from '../../api/desktop-client';
import { fmt } from '../../i18n/messages';
import { MAX_AUTO_RECONNECTS, type EndpointSource } from './connection';
import { ClipboardDialog, TypeTextDialog } from './ConsoleDialogs';
import { KeyMenu } from './KeyMenu';
import { pressCombo, type SendKey } from './keys';
import { useConsoleMessages, type ConsoleMessages } from './messages';
import { useRfb, type ConsoleStatus, type Phase, type Scaling } from './use-rfb';
import './consoles.css';

export interface VmConsoleProps {
  source: EndpointSource;
  /** The VM's name, for titles and accessible names. */
  name: string;
  variant?: 'full' | 'thumb';
  /** Extra header buttons (the grid's Open / Close). */
  actions?: ReactNode;
  onClose?(): void;
  /** Browser mode: open the console in its own window. In the desktop app (which allows no new windows) Pop out
   * makes this console fill the app window instead. */
  onPopOut?(): void;
  autoFocus?: boolean;
  onPhase?(p: Phase): void;
  /** The console page: fills the window, no pop-out. */
  standalone?: boolean;
}

const SCALING_KEY = 'strata.console.scaling';
const savedScaling = (): Scaling => {
  const v = localStorage.getItem(SCALING_KEY);
  return v === 'off' || v === 'remote' || v === 'fit' ? v : 'fit';
};

/** Keyboard Lock (Chromium, fullscreen only): lets Esc, Alt+Tab, the Windows key... reach the guest. */
type KeyboardLock = { lock?(codes?: string[]): Promise<void>; unlock?(): void };
const keyboardApi = (): KeyboardLock | undefined => (navigator as unknown as { keyboard?: KeyboardLock }).keyboard;

export function statusLine(m: ConsoleMessages, s: ConsoleStatus, now: number): { title: string; detail?: string } {
  const title = { connecting: m.connecting, connected: m.connected, disconnected: m.disconnected, stopped: m.stopped, failed: m.failed }[s.phase];
  const known = s.kind && s.kind !== 'error' && s.kind !== 'other' ? m[s.kind] : undefined;
  const parts = [known, s.detail && s.detail !== known ? s.detail : undefined];
  if (s.retryAt) parts.push(fmt(m.reconnectingIn, { s: Math.max(0, Math.ceil((s.retryAt - now) / 1000)), n: s.attempt + 1, max: MAX_AUTO_RECONNECTS }));
  const detail = parts.filter(Boolean).join(' · ');
  return { title, detail: detail || undefined };
}

export function VmConsole(p: VmConsoleProps) {
  const m = useConsoleMessages();
  const thumb = p.variant === 'thumb';
  const root = useRef<HTMLDivElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const [scaling, setScaling] = useState<Scaling>(() => (thumb ? 'fit' : savedScaling()));
  const [viewOnly, setViewOnly] = useState(thumb);
  const settings = useMemo(() => ({ viewOnly: thumb || viewOnly, scaling: thumb ? 'fit' as const : scaling }), [thumb, viewOnly, scaling]);
  const session = useRfb(screen, p.source, settings, { autoFocus: p.autoFocus && !thumb });
  const { status } = session;
  const [now, setNow] = useState(() => Date.now());
  const [dialog, setDialog] = useState<'type' | 'clipboard' | null>(null);
  const [focused, setFocused] = useState(false);
  useDesktopKeyboardGrab(focused);
  const [fullscreen, setFullscreen] = useState(false);
  const [inApp, setInApp] = useState(false);
  const desktop = !!desktopBridge();

  const { onPhase } = p;
  useEffect(() => { onPhase?.(status.phase); }, [status.phase, onPhase]);

  // The reconnect countdown ticks only while one is pending.
  useEffect(() => {
    if (!status.retryAt) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const t = setInterval(tick, 500);
    return () => { clearTimeout(first); clearInterval(t); };
  }, [status.retryAt]);

  useEffect(() => {
    const on = () => {
      const fs = document.fullscreenElement === root.current && !!root.current;
      setFullscreen(fs);
      // Keyboard Lock works in fullscreen only; it is the browser's way to let OS-reserved keys reach the page.
      if (fs) void keyboardApi()?.lock?.().catch(() => undefined);
      else keyboardApi()?.unlock?.();
    };
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);

  const send: SendKey = (keysym, code, down) => session.rfb.current?.sendKey(keysym, code, down);
  // After a dialog or menu closes, the browser gives focus back to the button that opened it: take it afterwards.
  const refocus = () => setTimeout(() => { if (!settings.viewOnly) session.rfb.current?.focus({ preventScroll: true }); }, 0);
  const live = status.phase === 'connected';
  const input = live && !settings.viewOnly;
  const line = statusLine(m, status, now);
  const tone = status.phase === 'connected' ? 'ok' : status.phase === 'connecting' ? 'busy' : status.phase === 'stopped' ? 'idle' : 'bad';

  const popOut = desktop ? () => setInApp(true) : p.onPopOut;
  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void root.current?.requestFullscreen().catch(() => undefined);
  };

  const cls = ['vmc', thumb ? 'vmc-thumb' : 'vmc-full', p.standalone ? 'vmc-standalone' : '', inApp ? 'vmc-inapp' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} ref={root} data-state={status.phase} role="region" aria-label={fmt(m.consoleOf, { vm: p.name })}>
      <div className="vmc-bar">
        <span className={`vmc-state tone-${tone}`} role="status" aria-live="polite" title={line.detail}>
          <span className="vmc-dot" aria-hidden />{line.title}
        </span>
        {p.standalone && <strong className="vmc-title">{p.name}</strong>}
        {thumb ? <span className="vmc-name" title={p.name}>{p.name}</span> : (
          <span className="vmc-hint muted">
            {live && (settings.viewOnly ? m.viewOnlyOn : focused ? m.keyboardInVm : m.clickToType)}
            {!live && line.detail}
          </span>
        )}
        {!thumb && <>
          <select aria-label={m.scaling} title={m.scaling} value={scaling}
            onChange={(e) => { const v = e.target.value as Scaling; setScaling(v); localStorage.setItem(SCALING_KEY, v); }}>
            <option value="off">{m.scaleOff}</option>
            <option value="fit">{m.scaleFit}</option>
            <option value="remote">{m.scaleRemote}</option>
          </select>
          <KeyMenu label={m.keys} title={m.keysMenu} disabled={!input}
            onSend={(c) => { if (c.id === 'ctrl-alt-del') session.rfb.current?.sendCtrlAltDel(); else pressCombo(send, c.keys); refocus(); }} />
          <button disabled={!input} onClick={() => setDialog('type')}>{m.typeText}</button>
          <button disabled={!input} onClick={() => setDialog('clipboard')}>{m.clipboard}</button>
          <button aria-pressed={viewOnly} onClick={() => setViewOnly(!viewOnly)}>{m.viewOnly}</button>
          <button onClick={toggleFullscreen}>{fullscreen ? m.exitFullscreen : m.fullscreen}</button>
          {inApp
            ? <button onClick={() => setInApp(false)}>{m.exitFullWindow}</button>
            : popOut && !p.standalone && <button onClick={popOut}>{m.popOut}</button>}
          {live || status.phase === 'connecting'
            ? <button onClick={session.disconnect}>{m.disconnect}</button>
            : <button className="primary" onClick={session.reconnect}>{m.reconnect}</button>}
        </>}
        {p.actions}
        {p.onClose && <button className="icon" aria-label={fmt(m.closeConsoleOf, { vm: p.name })} title={m.close} onClick={p.onClose}>✕</button>}
      </div>
      <div className="vmc-screen-wrap">
        {/* noVNC puts its own screen element and canvas in here; the canvas takes keyboard focus on click. */}
        <div className="vmc-screen" ref={screen} aria-label={fmt(m.screenOf, { vm: p.name })}
          onFocus={() => setFocused(true)} onBlur={() => setFocused(false)} />
        {!live && !thumb && (
          <div className="vmc-overlay">
            <div className="vmc-overlay-card">
              <strong>{line.title}</strong>
              {line.detail && <p>{line.detail}</p>}
              {status.phase !== 'connecting' && <button className="primary" onClick={session.reconnect}>{m.reconnect}</button>}
            </div>
          </div>
        )}
      </div>
      {dialog === 'type' && <TypeTextDialog m={m} vm={p.name} send={send} onClose={() => { setDialog(null); refocus(); }} />}
      {dialog === 'clipboard' && (
        <ClipboardDialog m={m} vm={p.name} fromVm={session.remoteClipboard}
          paste={(t) => session.rfb.current?.clipboardPasteFrom(t)} onClose={() => { setDialog(null); refocus(); }} />
      )}
    </div>
  );
}
// Desktop app: while the console has focus, main stops the app menu's accelerators (Ctrl+W, Ctrl+R, Alt, F11...)
// so those keys reach the guest. Keys the OS itself keeps (Alt+Tab, Super, Ctrl+Alt+Del) reach the page only
// through Keyboard Lock in fullscreen (above) or the Keys menu.
function useDesktopKeyboardGrab(focused: boolean) {
  useEffect(() => {
    const bridge = desktopBridge();
    if (!bridge) return;
    void bridge.window.setKeyboardGrab({ grab: focused ? 'on' : 'off' });
    return () => { if (focused) void bridge.window.setKeyboardGrab({ grab: 'off' }); };
  }, [focused]);
}
