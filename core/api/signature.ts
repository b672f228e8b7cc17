// API-key request signing exactly as CloudStack's ApiServer.verifyRequest does it (reference §1.3, §1.4):
// every param but `signature`, names sorted case-preserved by code unit, values Java-URL-encoded with `%20` for
// spaces, the whole string lowercased, HMAC (SHA1 or SHA512) in Base64. Runs on every signed request, so the
// common path does no regex work beyond one native encodeURIComponent per value.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureAlgo = 'sha1' | 'sha512';

// encodeURIComponent leaves `! ' ( ) ~` unencoded too; Java's URLEncoder encodes them. Everything else matches
// (same unreserved set otherwise, UTF-8 bytes, uppercase hex, space as %20 = URLEncoder's `+` replaced).
const JAVA_EXTRA = /[!'()~]/g;
const JAVA_EXTRA_HEX: Record<string, string> = { '!': '%21', "'": '%27', '(': '%28', ')': '%29', '~': '%7E' };

/** Java `URLEncoder.encode(s, UTF-8)` with `+` replaced by `%20`. */
export function javaUrlEncode(s: string): string {
  let out: string;
  try {
    out = encodeURIComponent(s);
  } catch {
    // Lone surrogates: Java's encoder substitutes '?' for unmappable chars, so do the same.
    out = encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'));
  }
  return out.replace(JAVA_EXTRA, (c) => JAVA_EXTRA_HEX[c]);
}

type Encoder = (value: string) => string;

// Client variants seen in the wild (§1.3): python `cs` and current Go leave `~` raw; the old xanzy Go SDK also
// encodes `*` as %2A. Both are derived from the Java form, so they cost nothing unless actually tried.
const tildeRaw: Encoder = (v) => javaUrlEncode(v).replaceAll('%7E', '~');
const tildeRawStarEncoded: Encoder = (v) => tildeRaw(v).replaceAll('*', '%2A');

function build(params: ReadonlyArray<readonly [string, string]>, encode: Encoder): string {
  const kept: (readonly [string, string])[] = [];
  for (const pair of params) {
    const n = pair[0];
    if (n.length === 9 && n.toLowerCase() === 'signature') continue;
    kept.push(pair);
  }
  // Array.prototype.sort is stable, so after sorting the first-sent value of a repeated name comes first.
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let s = '';
  let prev: string | undefined;
  for (const [name, value] of kept) {
    if (name === prev) continue;
    prev = name;
    s += (s.length === 0 ? '' : '&') + name + '=' + encode(value);
  }
  return s.toLowerCase();
}

/** The lowercased string CloudStack signs. `params` are URL-decoded, as sent (names case-preserved). */
export function canonicalString(params: ReadonlyArray<readonly [string, string]>): string {
  return build(params, javaUrlEncode);
}

/** Base64 HMAC of a canonical string with the user's secret key. */
export function signCanonical(canonical: string, secret: string, algo: SignatureAlgo): string {
  return createHmac(algo, secret).update(canonical, 'utf8').digest('base64');
}

function sameString(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Checks `signature` against the request params (any `signature` entry in params is ignored). SHA1 or SHA512
 * is chosen by the signature's length (28 or 88 Base64 chars); lenient encodings are tried only when a value
 * contains `~` or `*`, where clients are known to differ from Java.
 */
export function verifySignature(
  params: ReadonlyArray<readonly [string, string]>, signature: string, secret: string,
): boolean {
  // A raw `+` in a hand-built query decodes to a space; Base64 never contains spaces, so undo that.
  const sig = signature.includes(' ') ? signature.replaceAll(' ', '+') : signature;
  const algo: SignatureAlgo | null = sig.length === 28 ? 'sha1' : sig.length === 88 ? 'sha512' : null;
  if (algo === null) return false;
  if (sameString(signCanonical(build(params, javaUrlEncode), secret, algo), sig)) return true;
  let tilde = false;
  let star = false;
  for (const [name, value] of params) {
    if (name.length === 9 && name.toLowerCase() === 'signature') continue;
    if (!tilde && value.includes('~')) tilde = true;
    if (!star && value.includes('*')) star = true;
  }
  if (tilde && sameString(signCanonical(build(params, tildeRaw), secret, algo), sig)) return true;
  if (star && sameString(signCanonical(build(params, tildeRawStarEncoded), secret, algo), sig)) return true;
  return false;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses ISO-8601 timestamps as clients send them for `expires` (and `tzdate` params): `Z`, `+0000` or
 * `+00:00` offsets, optional fractional seconds. Returns epoch ms, or null when malformed or out of range.
 */
export function parseIso8601(s: string): number | null {
  const m = ISO.exec(s);
  if (m === null) return null;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const local = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  if (new Date(local).getUTCDate() !== d) return null; // Feb 30 and friends
  let offsetMin = 0;
  const z = m[8];
  if (z !== 'Z') {
    const digits = z.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return null;
    offsetMin = (z[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return local - offsetMin * 60_000;
}

function firstValue(params: ReadonlyArray<readonly [string, string]>, lowerName: string): string | undefined {
  for (const [n, v] of params) if (n.length === lowerName.length && n.toLowerCase() === lowerName) return v;
  return undefined;
}

export type ExpiryCheck = { ok: true } | { ok: false; reason: string };

/**
 * Replay protection of `signatureVersion=3` requests: `expires` must be present, parse, and not be in the past.
 * `maxAheadMs` implements `enforce.post.requests.and.timestamps` (reject expiries too far in the future).
 * Without signatureVersion=3 the request passes (expires is then only part of the signed string).
 */
export function checkSignatureExpiry(
  params: ReadonlyArray<readonly [string, string]>, nowMs: number, opts: { maxAheadMs?: number } = {},
): ExpiryCheck {
  if (firstValue(params, 'signatureversion') !== '3') return { ok: true };
  const expires = firstValue(params, 'expires');
  if (expires === undefined || expires === '') return { ok: false, reason: 'missing expires parameter' };
  const at = parseIso8601(expires);
  if (at === null) return { ok: false, reason: `incorrect date format for expires parameter: ${expires}` };
  if (at < nowMs) return { ok: false, reason: `request expired at ${expires}` };
  if (opts.maxAheadMs !== undefined && at - nowMs > opts.maxAheadMs) {
    return { ok: false, reason: `expires ${expires} is too far in the future` };
  }
  return { ok: true };
}
