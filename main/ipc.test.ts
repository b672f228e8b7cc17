// The single IPC entry point: who may call (our window's main frame on app://strata), what may be sent (the
// contract's schema), and how failures come back (always as data).
import { describe, it, expect, vi } from 'vitest';
import { checkSender, handle, registerHandlers, IpcFailure, sendEvent, type IpcEventLike, type Handlers } from './ipc';
import { invokeChannelNames } from './ipc-contract';
import { APP_ORIGIN } from './security';

function window(url = 'app://strata/index.html') {
  const mainFrame = { url, parent: null, processId: 4, routingId: 1 };
  const contents = { mainFrame };
  return { contents, mainFrame };
}

function setup() {
  const registered = new Map<string, (event: IpcEventLike, ...args: unknown[]) => Promise<any>>();
  const ipcMain = { handle: (ch: string, l: any) => { registered.set(ch, l); } };
  const trusted = new WeakSet<object>();
  const log = { warn: vi.fn(), error: vi.fn() };
  return { registered, ipcMain, trusted, log, policy: { appOrigin: APP_ORIGIN, trusted } };
}

describe('sender checks', () => {
  it('accepts the main frame of a window we created, on the app origin', () => {
    const { policy, trusted } = setup();
    const w = window();
    trusted.add(w.contents);
    expect(checkSender({ sender: w.contents, senderFrame: w.mainFrame }, policy)).toBeNull();
  });

  it('refuses foreign origins, subframes, unknown windows and vanished frames', () => {
    const { policy, trusted } = setup();
    const ours = window();
    trusted.add(ours.contents);
    const at = (url: string) => { const w = window(url); trusted.add(w.contents); return { sender: w.contents, senderFrame: w.mainFrame }; };
    expect(checkSender(at('https://evil.example/'), policy)).toBe("the sender's origin is not app://strata");
    expect(checkSender(at('app://strata.evil.com/'), policy)).toBe("the sender's origin is not app://strata");
    expect(checkSender(at('app://strata@evil/'), policy)).toBe("the sender's origin is not app://strata");
    expect(checkSender(at('file:///index.html'), policy)).toBe("the sender's origin is not app://strata");
    const sub = { url: 'app://strata/frame.html', parent: ours.mainFrame, processId: 4, routingId: 9 };
    expect(checkSender({ sender: ours.contents, senderFrame: sub }, policy)).toBe('only the main frame may call');
    const detached = { url: 'app://strata/', parent: null, processId: 5, routingId: 2 };
    expect(checkSender({ sender: ours.contents, senderFrame: detached }, policy)).toBe('only the main frame may call');
    const stranger = window();
    expect(checkSender({ sender: stranger.contents, senderFrame: stranger.mainFrame }, policy)).toBe('the sender is not a window of this app');
    expect(checkSender({ sender: ours.contents, senderFrame: null }, policy)).toBe('the sending frame is gone');
  });
});

describe('handle()', () => {
  it('refuses a foreign sender without running the handler', async () => {
    const s = setup();
    const fn = vi.fn(() => []);
    handle(s.ipcMain, s.policy, 'connections:list', fn, s.log);
    const evil = window('https://evil.example/');
    s.trusted.add(evil.contents);
    const r = await s.registered.get('connections:list')!({ sender: evil.contents, senderFrame: evil.mainFrame });
    expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: "IPC refused: the sender's origin is not app://strata" } });
    expect(fn).not.toHaveBeenCalled();
    expect(s.log.warn).toHaveBeenCalled();
  });

  it('refuses an invalid payload with a clear message', async () => {
    const s = setup();
    const fn = vi.fn();
    handle(s.ipcMain, s.policy, 'api:call', fn);
    const w = window();
    s.trusted.add(w.contents);
    const ev = { sender: w.contents, senderFrame: w.mainFrame };
    expect(await s.registered.get('api:call')!(ev, { connectionId: 'embedded' })).toEqual({ ok: false, error: {
      code: 'invalid-payload', message: 'api:call: request.command must be a string (got undefined)' } });
    expect(await s.registered.get('api:call')!(ev, { connectionId: 'embedded', command: 'listZones' }, 'extra')).toEqual({ ok: false, error: {
      code: 'invalid-payload', message: 'api:call takes one argument, got 2' } });
    expect(fn).not.toHaveBeenCalled();
  });

  it('answers values, and thrown errors as data', async () => {
    const s = setup();
    const w = window();
    s.trusted.add(w.contents);
    const ev = { sender: w.contents, senderFrame: w.mainFrame };
    handle(s.ipcMain, s.policy, 'app:info', () => ({ name: 'Strata', version: '1', packaged: false, platform: 'linux', arch: 'x64', versions: { node: '20' } }));
    handle(s.ipcMain, s.policy, 'connections:remove', () => { throw new IpcFailure({ code: 'not-found', message: 'no connection with id x' }); });
    handle(s.ipcMain, s.policy, 'connections:retry', async () => { throw new TypeError('boom'); }, s.log);
    handle(s.ipcMain, s.policy, 'window:close', () => null);
    expect(await s.registered.get('app:info')!(ev)).toMatchObject({ ok: true, value: { name: 'Strata' } });
    expect(await s.registered.get('connections:remove')!(ev, { id: 'x' })).toEqual({ ok: false, error: { code: 'not-found', message: 'no connection with id x' } });
    expect(await s.registered.get('connections:retry')!(ev, { id: 'x' })).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    expect(s.log.error).toHaveBeenCalled();
    expect(await s.registered.get('window:close')!(ev)).toEqual({ ok: true, value: null });
  });

  it('registerHandlers covers every contract channel', () => {
    const s = setup();
    const handlers = Object.fromEntries(invokeChannelNames.map((c) => [c, () => null])) as unknown as Handlers;
    registerHandlers(s.ipcMain, s.policy, handlers);
    expect([...s.registered.keys()].sort()).toEqual([...invokeChannelNames].sort());
  });

  it('sendEvent skips destroyed contents', () => {
    const send = vi.fn();
    sendEvent({ send, isDestroyed: () => true }, 'app:menuCommand', { command: 'commandPalette' });
    sendEvent({ send, isDestroyed: () => false }, 'app:menuCommand', { command: 'commandPalette' });
    expect(send.mock.calls).toEqual([['app:menuCommand', { command: 'commandPalette' }]]);
  });
});
