import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { redact, redactText, REDACTED } from './redact';
import { captureLog } from '../testing/capture-log';

describe('logger', () => {
  it('writes one JSON object per line with time, level and message, and drops lines below its level', () => {
    const out = captureLog();
    const log = createLogger({ level: 'warn', destination: out.destination });
    // Below its level, debug is absent: `log.debug?.(...)` builds no message or fields.
    expect(log.debug).toBeUndefined();
    log.debug?.('debug line');
    log.info('info line');
    log.warn('disk almost full', { pool: 'p1', used: 0.97 });
    log.error('pool lost');
    const recs = out.records();
    expect(recs.map((r) => [r.level, r.msg])).toEqual([['warn', 'disk almost full'], ['error', 'pool lost']]);
    expect(recs[0]).toMatchObject({ pool: 'p1', used: 0.97 });
    expect(typeof recs[0].time).toBe('string');
  });

  it('child loggers carry their bindings on every line', () => {
    const out = captureLog();
    const log = createLogger({ level: 'debug', destination: out.destination }).child!({ reqId: 'r-1' }).child!({ jobId: 'j-1' });
    log.debug!('started');
    expect(out.records()[0]).toMatchObject({ level: 'debug', msg: 'started', reqId: 'r-1', jobId: 'j-1' });
  });

  it('redacts secrets in fields, nested objects, errors and texts', () => {
    const out = captureLog();
    const log = createLogger({ level: 'info', destination: out.destination });
    const err = new Error('GET /client/api?command=listZones&apiKey=AK123&signature=SIG456 failed');
    log.error('request failed: password=hunter2', { params: { command: 'login', password: 'hunter2', username: 'bob' },
      headers: { Cookie: 'sessionkey=SK789', 'X-Api-Key': 'AK123' }, error: err, body: '{"secretkey":"SEC000","name":"x"}' });
    const text = out.lines.join('');
    for (const secret of ['hunter2', 'AK123', 'SIG456', 'SK789', 'SEC000']) expect(text).not.toContain(secret);
    const rec = out.records()[0] as Record<string, any>;
    expect(rec.params).toEqual({ command: 'login', password: REDACTED, username: 'bob' });
    expect(rec.msg).toBe(`request failed: password=${REDACTED}`);
    expect(rec.error.message).toContain('command=listZones');
  });

  it('leaves text without secrets alone', () => {
    expect(redactText('VM i-2-3-VM started on host kvm1')).toBe('VM i-2-3-VM started on host kvm1');
    expect(redact({ a: [1, 'x=y'], n: null })).toEqual({ a: [1, 'x=y'], n: null });
  });
});
