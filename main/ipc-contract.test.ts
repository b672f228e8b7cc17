// The IPC contract: validators give one clear sentence per bad field, and the bridge the preload exposes is exactly
// the allow-list (typed functions and a guarded `on`), nothing more.
import { describe, it, expect, expectTypeOf, vi } from 'vitest';
import {
  buildBridge, validateRequest, invokeChannelNames, eventChannelNames, type DesktopBridge, type ConnectionInfo, type IpcResult,
  type CloudStackResponse,
} from './ipc-contract';

const keysDraft = { kind: 'strata', name: 'Lab', url: 'https://cloud.example.com', auth: { type: 'keys', apiKey: 'k', secretKey: 's' } };

describe('contract validators', () => {
  it('accepts well-formed requests', () => {
    expect(validateRequest('connections:add', keysDraft)).toBeNull();
    expect(validateRequest('connections:add', { ...keysDraft, kind: 'cloudstack',
      auth: { type: 'password', username: 'admin', password: 'pw', domain: '/' } })).toBeNull();
    expect(validateRequest('connections:list', undefined)).toBeNull();
    expect(validateRequest('api:call', { connectionId: 'embedded', command: 'listVirtualMachines',
      params: { state: 'Running', 'details[0].key': 'x', page: '1' }, method: 'GET' })).toBeNull();
    expect(validateRequest('api:call', { connectionId: 'embedded', command: 'listZones' })).toBeNull();
  });

  it('names the offending field', () => {
    expect(validateRequest('connections:add', { ...keysDraft, auth: { type: 'keys', apiKey: 'k' } }))
      .toBe('request.auth.secretKey must be a string (got undefined)');
    expect(validateRequest('connections:add', { ...keysDraft, auth: { type: 'token', token: 'x' } }))
      .toBe("request.auth.type must be one of 'keys', 'password'");
    expect(validateRequest('connections:add', { ...keysDraft, name: '' })).toBe('request.name must not be empty');
    expect(validateRequest('connections:add', { ...keysDraft, kind: 'vmware' })).toBe("request.kind must be one of 'strata', 'cloudstack'");
    expect(validateRequest('connections:add', { ...keysDraft, extra: 1 })).toBe('request.extra is not an accepted field');
    expect(validateRequest('connections:remove', 'abc')).toBe('request must be an object (got a string of 3 characters)');
    expect(validateRequest('connections:list', { x: 1 })).toBe('request must be empty (got object)');
  });

  it('refuses URLs that are not plain http(s) server addresses', () => {
    expect(validateRequest('connections:add', { ...keysDraft, url: 'file:///etc/passwd' })).toBe('request.url must use http: or https: (got file:)');
    expect(validateRequest('connections:add', { ...keysDraft, url: 'javascript:alert(1)' })).toBe('request.url must use http: or https: (got javascript:)');
    expect(validateRequest('connections:add', { ...keysDraft, url: 'https://admin:pw@cloud' })).toBe('request.url must not contain a user name or password');
    expect(validateRequest('connections:add', { ...keysDraft, url: 'not a url' })).toBe("request.url is not a valid URL: 'not a url'");
  });

  it('keeps authentication in main: reserved params, login/logout and odd names are refused', () => {
    const call = (extra: object) => validateRequest('api:call', { connectionId: 'embedded', command: 'listZones', ...extra });
    expect(call({ params: { signature: 'x' } })).toBe('request.params.signature is set by Strata itself and may not be passed');
    expect(call({ params: { apiKey: 'x' } })).toBe('request.params.apiKey is set by Strata itself and may not be passed');
    expect(call({ params: { SessionKey: 'x' } })).toBe('request.params.SessionKey is set by Strata itself and may not be passed');
    expect(call({ command: 'login' })).toBe("request.command 'login' is not allowed here");
    expect(call({ command: 'LogOut' })).toBe("request.command 'LogOut' is not allowed here");
    expect(call({ command: 'list zones' })).toBe('request.command must be a CloudStack command name (letters and digits)');
    expect(call({ params: { zoneid: 7 } })).toBe('request.params.zoneid must be a string (got number)');
    expect(call({ params: { 'a&b': 'x' } })).toBe("request.params key 'a&b' must be a CloudStack parameter name");
    expect(call({ method: 'DELETE' })).toBe("request.method must be one of 'GET', 'POST'");
    expect(call({ connectionId: '../x' })).toBe('request.connectionId must be letters, digits, - or _');
  });

  it('does not trust prototypes or arrays posing as objects', () => {
    expect(validateRequest('api:call', { connectionId: 'e', command: 'listZones', params: ['a'] }))
      .toBe('request.params must be an object of string values (got an array)');
    expect(validateRequest('connections:remove', Object.create({ id: 'x' }))).toBe('request must be an object (got object)');
  });
});

describe('the bridge exposed on window.strata', () => {
  function fakeTransport() {
    const invoked: [string, unknown][] = [];
    const listeners = new Map<string, (p: unknown) => void>();
    return {
      invoked, listeners,
      invoke: vi.fn(async (channel: string, payload: unknown) => { invoked.push([channel, payload]); return { ok: true, value: channel }; }),
      subscribe: vi.fn((channel: string, l: (p: unknown) => void) => { listeners.set(channel, l); return () => listeners.delete(channel); }),
    };
  }

  it('has exactly one function per allow-listed channel, grouped by namespace', () => {
    const bridge = buildBridge(fakeTransport()) as any;
    const exposed = Object.entries(bridge).flatMap(([ns, v]) =>
      typeof v === 'function' ? [ns] : Object.keys(v as object).map((m) => `${ns}:${m}`));
    expect(exposed.sort()).toEqual([...invokeChannelNames, 'on'].sort());
    expect(Object.isFrozen(bridge) && Object.isFrozen(bridge.api)).toBe(true);
  });

  it('forwards calls on the right channel and turns transport failures into data', async () => {
    const t = fakeTransport();
    const bridge = buildBridge(t);
    await bridge.api.call({ connectionId: 'embedded', command: 'listZones' });
    await bridge.connections.list();
    expect(t.invoked).toEqual([['api:call', { connectionId: 'embedded', command: 'listZones' }], ['connections:list', undefined]]);
    t.invoke.mockRejectedValueOnce(new Error("No handler registered for 'app:info'"));
    expect(await bridge.app.info()).toEqual({ ok: false, error: { code: 'internal', message: "IPC app:info failed: No handler registered for 'app:info'" } });
  });

  it('subscribes only to contract events and hands listeners the payload alone', () => {
    const t = fakeTransport();
    const bridge = buildBridge(t);
    const got: unknown[] = [];
    const off = bridge.on('app:menuCommand', (p) => got.push(p));
    t.listeners.get('app:menuCommand')!({ command: 'commandPalette' });
    expect(got).toEqual([{ command: 'commandPalette' }]);
    off();
    expect(t.listeners.size).toBe(0);
    expect(() => (bridge.on as any)('ipc:raw', () => {})).toThrow('unknown event channel: ipc:raw');
    expect(eventChannelNames).toEqual(['connections:changed', 'app:menuCommand']);
  });

  it('derives the renderer types from the contract', () => {
    expectTypeOf<DesktopBridge['connections']['list']>().returns.resolves.toEqualTypeOf<IpcResult<ConnectionInfo[]>>();
    expectTypeOf<DesktopBridge['api']['call']>().returns.resolves.toEqualTypeOf<IpcResult<CloudStackResponse>>();
    expectTypeOf<Parameters<DesktopBridge['api']['call']>[0]>().toEqualTypeOf<{
      connectionId: string; command: string; params?: Record<string, string> | undefined; method?: 'GET' | 'POST' | undefined;
    }>();
    expectTypeOf<Parameters<DesktopBridge['connections']['add']>[0]['auth']>().toEqualTypeOf<
      { type: 'keys'; apiKey: string; secretKey: string } | { type: 'password'; username: string; password: string; domain?: string | undefined }>();
  });
});
