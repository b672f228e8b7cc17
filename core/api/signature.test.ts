import { describe, it, expect } from 'vitest';
import { createHmac } from 'node:crypto';
import {
  javaUrlEncode, canonicalString, signCanonical, verifySignature, checkSignatureExpiry, parseIso8601,
} from './signature';

// Reference §1.3 test vector, in the order python `cs` sends it.
const VECTOR: Array<[string, string]> = [
  ['command', 'listVirtualMachines'], ['response', 'json'], ['apiKey', 'APIKEY123'], ['listall', 'true'],
  ['name', 'web 01/é'], ['signatureVersion', '3'], ['expires', '2030-01-01T00:00:00+0000'],
];
const VECTOR_CANONICAL = 'apikey=apikey123&command=listvirtualmachines&expires=2030-01-01t00%3a00%3a00%2b0000' +
  '&listall=true&name=web%2001%2f%c3%a9&response=json&signatureversion=3';

const hmac = (s: string, secret: string, algo: 'sha1' | 'sha512' = 'sha1') =>
  createHmac(algo, secret).update(s).digest('base64');

describe('javaUrlEncode', () => {
  it('matches Java URLEncoder for every ASCII character (then + -> %20)', () => {
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c);
      const expected = /[A-Za-z0-9.\-*_]/.test(ch) ? ch : `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
      expect(javaUrlEncode(ch)).toBe(expected);
    }
  });

  it('encodes UTF-8 bytes with uppercase hex, and lone surrogates as ? like Java', () => {
    expect(javaUrlEncode('web 01/é')).toBe('web%2001%2F%C3%A9');
    expect(javaUrlEncode('😀')).toBe('%F0%9F%98%80');
    expect(javaUrlEncode('a\uD800b')).toBe('a%3Fb');
    expect(javaUrlEncode("a~b!c'(d)*")).toBe('a%7Eb%21c%27%28d%29*');
  });
});

describe('canonicalString', () => {
  it('reproduces the reference test vector', () => {
    expect(canonicalString(VECTOR)).toBe(VECTOR_CANONICAL);
    expect(signCanonical(VECTOR_CANONICAL, 'SECRET456', 'sha1')).toBe('3Bj+3AmG5AoVadZOTMd64J7n9H0=');
  });

  it('sorts raw names case-preserved: templateId before templatefilter', () => {
    const c = canonicalString([['templatefilter', 'executable'], ['templateId', 'X'], ['command', 'listTemplates']]);
    expect(c).toBe('command=listtemplates&templateid=x&templatefilter=executable');
  });

  it('leaves out signature (any case) and keeps only the first value of a repeated name', () => {
    const c = canonicalString([['a', '1'], ['Signature', 'zzz'], ['b', '2'], ['a', '3'], ['signature', 'y']]);
    expect(c).toBe('a=1&b=2');
  });

  it('includes map keys verbatim (names are not encoded)', () => {
    expect(canonicalString([['tags[0].key', 'env'], ['command', 'createTags']]))
      .toBe('command=createtags&tags[0].key=env');
  });
});

describe('verifySignature', () => {
  const signed = [...VECTOR, ['signature', '3Bj+3AmG5AoVadZOTMd64J7n9H0='] as [string, string]];

  it('accepts the SHA1 vector signature and rejects a wrong secret or tampered param', () => {
    expect(verifySignature(signed, '3Bj+3AmG5AoVadZOTMd64J7n9H0=', 'SECRET456')).toBe(true);
    expect(verifySignature(signed, '3Bj+3AmG5AoVadZOTMd64J7n9H0=', 'SECRET457')).toBe(false);
    const tampered = VECTOR.map(([n, v]) => [n, n === 'listall' ? 'false' : v] as [string, string]);
    expect(verifySignature(tampered, '3Bj+3AmG5AoVadZOTMd64J7n9H0=', 'SECRET456')).toBe(false);
  });

  it('accepts HMAC-SHA512 (88 chars) over the same canonical string', () => {
    const sig = hmac(VECTOR_CANONICAL, 'SECRET456', 'sha512');
    expect(sig).toHaveLength(88);
    expect(signCanonical(VECTOR_CANONICAL, 'SECRET456', 'sha512')).toBe(sig);
    expect(verifySignature(VECTOR, sig, 'SECRET456')).toBe(true);
    expect(verifySignature(VECTOR, sig, 'other')).toBe(false);
  });

  it('rejects signatures of other lengths and tolerates + decoded as space', () => {
    expect(verifySignature(VECTOR, '3Bj+3AmG5AoVadZOTMd64J7n9H0', 'SECRET456')).toBe(false);
    expect(verifySignature(VECTOR, '', 'SECRET456')).toBe(false);
    expect(verifySignature(VECTOR, '3Bj 3AmG5AoVadZOTMd64J7n9H0=', 'SECRET456')).toBe(true);
  });

  it('accepts python cs signatures that leave ~ unencoded', () => {
    const params: Array<[string, string]> = [['command', 'listUsers'], ['apikey', 'K'], ['username', 'a~b']];
    const csCanonical = 'apikey=k&command=listusers&username=a~b';
    expect(canonicalString(params)).toBe('apikey=k&command=listusers&username=a%7eb');
    expect(verifySignature(params, hmac(csCanonical, 's'), 's')).toBe(true);
    expect(verifySignature(params, hmac('apikey=k&command=listusers&username=a%7eb', 's'), 's')).toBe(true);
    expect(verifySignature(params, hmac(csCanonical, 's'), 'wrong')).toBe(false);
  });

  it('accepts old Go SDK signatures that encode * as %2A', () => {
    const params: Array<[string, string]> = [['command', 'listVirtualMachines'], ['keyword', 'web*~']];
    const goCanonical = 'command=listvirtualmachines&keyword=web%2a~';
    expect(verifySignature(params, hmac(goCanonical, 's'), 's')).toBe(true);
    expect(verifySignature(params, hmac(goCanonical, 's', 'sha512'), 's')).toBe(true);
  });
});

describe('checkSignatureExpiry', () => {
  const now = Date.parse('2029-12-31T23:00:00Z');
  const withExpiry = (expires: string, version = 'signatureVersion'): Array<[string, string]> =>
    [['command', 'x'], [version, '3'], ['expires', expires]];

  it('accepts Z, +0000, +00:00 and fractional seconds', () => {
    for (const e of ['2030-01-01T00:00:00Z', '2030-01-01T00:00:00+0000', '2030-01-01T00:00:00+00:00',
      '2030-01-01T00:00:00.123Z', '2030-01-01T01:00:00.5+01:00']) {
      expect(checkSignatureExpiry(withExpiry(e), now)).toEqual({ ok: true });
    }
  });

  it('rejects an expired, missing or malformed expires when signatureVersion=3 (any name case)', () => {
    expect(checkSignatureExpiry(withExpiry('2029-12-31T22:59:59Z'), now).ok).toBe(false);
    expect(checkSignatureExpiry(withExpiry('2030-01-01T00:30:00+02:00', 'signatureversion'), now).ok).toBe(false);
    expect(checkSignatureExpiry([['signatureVersion', '3']], now)).toMatchObject({ ok: false });
    expect(checkSignatureExpiry(withExpiry('tomorrow'), now).ok).toBe(false);
    expect(checkSignatureExpiry(withExpiry('2030-02-30T00:00:00Z'), now).ok).toBe(false);
  });

  it('ignores expires without signatureVersion=3', () => {
    expect(checkSignatureExpiry([['expires', '2000-01-01T00:00:00Z']], now)).toEqual({ ok: true });
    expect(checkSignatureExpiry([['signatureVersion', '2'], ['expires', 'junk']], now)).toEqual({ ok: true });
  });

  it('optionally rejects expiries too far ahead (enforce setting)', () => {
    const far = withExpiry('2030-01-01T00:00:00Z');
    expect(checkSignatureExpiry(far, now, { maxAheadMs: 15 * 60_000 }).ok).toBe(false);
    expect(checkSignatureExpiry(far, now, { maxAheadMs: 61 * 60_000 }).ok).toBe(true);
  });

  it('parseIso8601 handles negative offsets', () => {
    expect(parseIso8601('2030-01-01T00:00:00-0130')).toBe(Date.parse('2030-01-01T01:30:00Z'));
    expect(parseIso8601('2030-01-01 00:00:00Z')).toBeNull();
  });
});
