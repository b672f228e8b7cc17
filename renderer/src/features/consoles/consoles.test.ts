// The console's pure parts: keystrokes for "Type text" (US layout, Shift for shifted characters, newlines as
// Enter, throttling, cancel), key combos, the WebSocket URL of an endpoint, what close codes mean, the backoff,
// and the one-shot token source of the console page.
import { describe, expect, it } from 'vitest';
import { comboList, KS, planStrokes, pressCombo, strokeOf, typeStrokes } from './keys';
import { backoffMs, ConsoleUnavailable, describeClose, MAX_AUTO_RECONNECTS, oneShotSource, relaySource } from './connection';
import { consoleWebSocketUrl } from '../../../../core/contract/commands/console';
import type { DesktopBridge } from '../../../../main/ipc-contract';

type Sent = [number, string | null, boolean | undefined];
const recorder = () => { const sent: Sent[] = []; return { sent, send: (k: number, c: string | null, d?: boolean) => { sent.push([k, c, d]); } }; };

describe('type text', () => {
  it('maps characters to keysyms and US key codes, with Shift where the layout needs it', () => {
    expect(strokeOf('a')).toEqual({ keysym: 0x61, code: 'KeyA', shift: false });
    expect(strokeOf('S')).toEqual({ keysym: 0x53, code: 'KeyS', shift: true });
    expect(strokeOf('4')).toEqual({ keysym: 0x34, code: 'Digit4', shift: false });
    expect(strokeOf('$')).toEqual({ keysym: 0x24, code: 'Digit4', shift: true });
    expect(strokeOf('>')).toEqual({ keysym: 0x3e, code: 'Period', shift: true });
    expect(strokeOf('/')).toEqual({ keysym: 0x2f, code: 'Slash', shift: false });
    expect(strokeOf(' ')).toEqual({ keysym: 0x20, code: 'Space', shift: false });
    // Outside the layout: keysym only (Latin-1 as is, the rest of Unicode at 0x01000000 + code point).
    expect(strokeOf('é')).toEqual({ keysym: 0xe9, code: null, shift: false });
    expect(strokeOf('中')).toEqual({ keysym: 0x01004e2d, code: null, shift: false });
  });

  it('turns new lines (LF, CRLF, CR) into Enter and drops other control characters', () => {
    const s = planStrokes('a\r\nb\nc\rd\u0007\te\u007f');
    expect(s.map((x) => x.code)).toEqual(['KeyA', 'Enter', 'KeyB', 'Enter', 'KeyC', 'Enter', 'KeyD', 'Tab', 'KeyE']);
    expect(s[1].keysym).toBe(KS.Return);
  });

  it('holds Shift around shifted characters, one key at a time with the delay between them', async () => {
    const r = recorder();
    const t0 = Date.now();
    const n = await typeStrokes(r.send, planStrokes('a$'), { delayMs: 20 });
    expect(n).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    expect(r.sent).toEqual([
      [0x61, 'KeyA', true], [0x61, 'KeyA', false],
      [KS.Shift_L, 'ShiftLeft', true], [0x24, 'Digit4', true], [0x24, 'Digit4', false], [KS.Shift_L, 'ShiftLeft', false],
    ]);
  });

  it('stops when cancelled', async () => {
    const r = recorder();
    const ctl = new AbortController();
    const n = await typeStrokes(r.send, planStrokes('abcdef'), { delayMs: 5, signal: ctl.signal, onProgress: (d) => { if (d === 2) ctl.abort(); } });
    expect(n).toBe(2);
  });
});

describe('key combos', () => {
  it('press in order and release in reverse', () => {
    const r = recorder();
    pressCombo(r.send, comboList().find((c) => c.id === 'ctrl-alt-f2')!.keys);
    expect(r.sent.map(([k, , d]) => [k.toString(16), d])).toEqual([
      ['ffe3', true], ['ffe9', true], ['ffbf', true], ['ffbf', false], ['ffe9', false], ['ffe3', false],
    ]);
  });

  it('offer Ctrl+Alt+Del and the virtual terminal switches', () => {
    const ids = comboList().map((c) => c.id);
    expect(ids).toContain('ctrl-alt-del');
    for (let n = 1; n <= 7; n++) expect(ids).toContain(`ctrl-alt-f${n}`);
  });
});

describe('console connection', () => {
  const ws = { token: 'T0k+/=', host: 'ms.example.org', port: '8443', path: 'console/websockify' };

  it('builds the WebSocket URL from the endpoint, or on this origin in browser mode', () => {
    expect(consoleWebSocketUrl({ url: 'https://ms.example.org:8443/console/vnc.html?token=x', websocket: ws })).toBe('wss://ms.example.org:8443/console/websockify?token=T0k%2B%2F%3D');
    expect(consoleWebSocketUrl({ url: 'http://10.0.0.1:8080/console/vnc.html', websocket: { ...ws, host: '10.0.0.1', port: '8080', extra: 'e' } }))
      .toBe('ws://10.0.0.1:8080/console/websockify?token=T0k%2B%2F%3D&extra=e');
    expect(consoleWebSocketUrl({ websocket: { ...ws, host: '::1', port: '80' } })).toBe('ws://[::1]:80/console/websockify?token=T0k%2B%2F%3D');
    expect(consoleWebSocketUrl({ websocket: ws }, { protocol: 'https:', host: 'console.lan' })).toBe('wss://console.lan/console/websockify?token=T0k%2B%2F%3D');
  });

  it('retries after drops and refusals but not after the VM stopped', () => {
    expect(describeClose(4001, true)).toEqual({ kind: 'vmStopped', retry: false });
    expect(describeClose(4002, true)).toEqual({ kind: 'vncClosed', retry: true });
    expect(describeClose(4003, true)).toEqual({ kind: 'handshake', retry: false });
    expect(describeClose(1001, true)).toEqual({ kind: 'serverShutdown', retry: true });
    expect(describeClose(1006, false)).toEqual({ kind: 'refused', retry: true });
    expect(describeClose(1006, true)).toEqual({ kind: 'lost', retry: true });
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(MAX_AUTO_RECONNECTS).toBe(6);
  });

  it('uses a console link once; then asks the API when it can, else says the link is spent', async () => {
    const once = oneShotSource('ws://x/console/websockify?token=a');
    expect(await once()).toBe('ws://x/console/websockify?token=a');
    await expect(once()).rejects.toEqual(expect.objectContaining({ kind: 'tokenSpent' }));
    await expect(once()).rejects.toBeInstanceOf(ConsoleUnavailable);
    const withApi = oneShotSource('ws://x/a', async () => 'ws://x/b');
    expect([await withApi(), await withApi()]).toEqual(['ws://x/a', 'ws://x/b']);
  });
});

describe('desktop relay source', () => {
  const bridgeAnswering = (answer: unknown, seen: unknown[] = []) =>
    ({ console: { open: async (req: unknown) => { seen.push(req); return answer; } } }) as unknown as DesktopBridge;

  it("gives main's loopback URL, and says why there is none as the API source would", async () => {
    const seen: unknown[] = [];
    const ok = relaySource(bridgeAnswering({ ok: true, value: { success: true, url: 'ws://127.0.0.1:9/relay/a' } }, seen), 'c1', 'vm-1');
    expect(await ok()).toBe('ws://127.0.0.1:9/relay/a');
    expect(seen).toEqual([{ connectionId: 'c1', virtualmachineid: 'vm-1' }]);
    const stopped = relaySource(bridgeAnswering({ ok: true, value: { success: false, details: 'VM is not running' } }), 'c1', 'vm-1');
    await expect(stopped()).rejects.toMatchObject({ kind: 'notRunning' });
    const denied = relaySource(bridgeAnswering({ ok: false, error: { code: 'api', message: 'no access', errorcode: 531 } }), 'c1', 'vm-1');
    await expect(denied()).rejects.toBeInstanceOf(ConsoleUnavailable);
    const down = relaySource(bridgeAnswering({ ok: false, error: { code: 'network', message: 'cannot reach' } }), 'c1', 'vm-1');
    await expect(down()).rejects.toMatchObject({ errorcode: 530, message: 'cannot reach' });
  });
});
