// The wire format and reconnect backoff, as the agent and the server rely on them.
import { describe, expect, it } from 'vitest';
import {
  backoffDelay, DRIVER_METHODS, fromWire, parseAgentMessage, parseServerMessage, ProtocolError, toWire,
} from './protocol';
import { newAgentToken, parseAgentToken, secretMatches } from './token';
import { agentUrl } from './agent';

describe('agent protocol', () => {
  it('round-trips driver arguments and results, with Maps and progress callbacks', () => {
    const seen: number[] = [];
    const wire = JSON.parse(JSON.stringify(toWire([
      'host-1', { id: 'v', details: { a: '1' }, skipped: undefined }, new Map([['vm-1', 'PowerOn'], ['vm-2', 'PowerOff']]),
      { dir: '/snap', onProgress: (d: number) => seen.push(d) },
    ]))) as unknown[];
    expect(wire[1]).toEqual({ id: 'v', details: { a: '1' } });
    const back = fromWire(wire, (d) => seen.push(d)) as [string, object, Map<string, string>, { dir: string; onProgress: (d: number, t: number) => void }];
    expect(back[2]).toBeInstanceOf(Map);
    expect([...back[2]]).toEqual([['vm-1', 'PowerOn'], ['vm-2', 'PowerOff']]);
    back[3].onProgress(42, 100);
    expect(seen).toEqual([42]);
    // Without a progress sink the callback is a harmless no-op.
    expect(() => (fromWire({ $progress: true }) as () => void)()).not.toThrow();
  });

  it('checks every frame and says what is wrong', () => {
    expect(parseAgentMessage('{"type":"heartbeat","seq":3}')).toEqual({ type: 'heartbeat', seq: 3 });
    expect(() => parseAgentMessage('not json')).toThrow(ProtocolError);
    expect(() => parseAgentMessage('[1]')).toThrow('frame is not a JSON object');
    expect(() => parseAgentMessage('{"type":"hello","v":1,"name":"a","token":5,"capabilities":{}}')).toThrow('hello: field token must be a string');
    expect(() => parseAgentMessage('{"type":"response","id":"x","ok":false,"error":{}}')).toThrow('field message must be a string');
    expect(() => parseAgentMessage('{"type":"event","event":"power","vmId":"v","state":"Melted"}')).toThrow('unknown event or power state');
    expect(() => parseAgentMessage('{"type":"launch"}')).toThrow('unknown message type "launch"');
    expect(parseServerMessage('{"type":"request","id":"r","method":"startVm","args":[]}')).toMatchObject({ method: 'startVm' });
    expect(() => parseServerMessage('{"type":"request","id":"r","method":"startVm","args":{}}')).toThrow('args must be an array');
  });

  it('marks only reads as safe to run twice', () => {
    const reads = Object.entries(DRIVER_METHODS).filter(([, m]) => 'read' in m && m.read).map(([k]) => k).sort();
    expect(reads).toEqual(['consoleEndpoint', 'heartbeatAge', 'hostStats', 'listPoolFiles', 'pingHost', 'routerLbHealth', 'routerRunning', 'sampleHost', 'vmPowerStates', 'vmStats']);
  });

  it('backs off exponentially, capped, with jitter in the upper half', () => {
    const o = { baseMs: 100, maxMs: 5000 };
    expect(backoffDelay(0, o, () => 0)).toBe(50);
    expect(backoffDelay(0, o, () => 1)).toBe(100);
    expect(backoffDelay(3, o, () => 1)).toBe(800);
    expect(backoffDelay(10, o, () => 1)).toBe(5000);
    expect(backoffDelay(10, o, () => 0)).toBe(2500);
    expect(backoffDelay(1e6, o, () => 0.5)).toBe(3750);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4, o)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) { expect(d).toBeGreaterThanOrEqual(800); expect(d).toBeLessThanOrEqual(1600); }
  });

  it('makes tokens that name their host and whose secret only matches its own hash', () => {
    const { token, hash } = newAgentToken('0b9a3c4e-1111-4222-8333-444455556666');
    const t = parseAgentToken(token)!;
    expect(t.hostId).toBe('0b9a3c4e-1111-4222-8333-444455556666');
    expect(secretMatches(t.secret, hash)).toBe(true);
    expect(secretMatches(t.secret, newAgentToken('x-y-z-0000').hash)).toBe(false);
    expect(secretMatches(t.secret, undefined)).toBe(false);
    expect(parseAgentToken('no-dot-here')).toBeNull();
    expect(hash).not.toContain(t.secret);
  });

  it('derives the WebSocket URL from what a user types', () => {
    expect(agentUrl('http://10.0.0.5:8080')).toBe('ws://10.0.0.5:8080/agent');
    expect(agentUrl('https://ms.example/client/api?x=1')).toBe('wss://ms.example/agent');
    expect(agentUrl('ws://127.0.0.1:9/agent')).toBe('ws://127.0.0.1:9/agent');
    expect(() => agentUrl('ftp://x')).toThrow('--server must be an http(s) or ws(s) URL');
  });
});
