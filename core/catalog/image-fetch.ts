// Fetching an image into a file: from an http(s) URL or a local file (file:// URL or absolute path), hashing it
// on the way (one pass over the bytes), reporting bytes done, and failing with a sentence a user can act on
// (connection refused, HTTP 404, no data for a minute...) instead of a bare "fetch failed".
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage } from 'node:http';
import { openUrl } from './http-open';

export interface FetchOptions {
  /** node:crypto hash name (md5, sha256...) to compute while copying; null for none. */
  algo: string | null;
  signal: AbortSignal;
  /** Longest wait for the next bytes before giving up. */
  stallMs: number;
  onBytes(done: number, total: number): void;
  /** May the URL (and its redirects) reach loopback, link-local, any-local or multicast hosts? */
  allowInternal: boolean;
}

export interface FetchResult { bytes: number; digest: string | null }

/** A local path for file:// URLs and absolute paths; null for network URLs. */
export function localSource(url: string): string | null {
  if (url.startsWith('/')) return url;
  return url.startsWith('file:') ? fileURLToPath(url) : null;
}

/** The URL without user:password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch { return url; }
}

const NET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'host not found', EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out', UND_ERR_CONNECT_TIMEOUT: 'connection timed out', ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable', UND_ERR_SOCKET: 'connection closed by the server',
};

/** Turns fetch/stream errors into "cannot download URL: connection refused". */
function describe(e: unknown, url: string): Error {
  const err = e as Error & { cause?: { code?: string; message?: string }; code?: string };
  const code = err.cause?.code ?? err.code;
  const what = code && NET_ERRORS[code] ? NET_ERRORS[code] : (err.cause?.message ?? err.message);
  return new Error(`cannot download ${safeUrl(url)}: ${what}`);
}

const FILE_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a folder' };

/** Counts and hashes what passes, reports progress, and arms the stall watchdog on every chunk. */
function meter(total: number, hash: Hash | null, o: FetchOptions, stalled: () => void) {
  let done = 0;
  let timer = setTimeout(stalled, o.stallMs);
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      clearTimeout(timer);
      timer = setTimeout(stalled, o.stallMs);
      done += chunk.length;
      hash?.update(chunk);
      o.onBytes(done, total);
      cb(null, chunk);
    },
    flush(cb) { clearTimeout(timer); cb(); },
  });
  t.on('close', () => clearTimeout(timer));
  return { t, bytes: () => done };
}

export async function fetchImage(url: string, dest: string, o: FetchOptions): Promise<FetchResult> {
  const hash = o.algo ? createHash(o.algo) : null;
  const stall = new AbortController();
  const signal = AbortSignal.any([o.signal, stall.signal]);
  const stalled = () => stall.abort(new Error(`no data received for ${Math.round(o.stallMs / 1000)} s`));
  const local = localSource(url);
  let source: Readable;
  let total = 0;
  if (local !== null) {
    try {
      const s = await stat(local);
      if (!s.isFile()) throw Object.assign(new Error('not a regular file'), { code: s.isDirectory() ? 'EISDIR' : undefined });
      total = s.size;
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new Error(`cannot read ${local}: ${code && FILE_ERRORS[code] ? FILE_ERRORS[code] : (e as Error).message}`);
    }
    source = createReadStream(local);
  } else {
    let res: IncomingMessage;
    try {
      res = await openUrl(url, { signal, allowInternal: o.allowInternal });
    } catch (e) {
      throw signal.aborted ? describe(signal.reason, url) : describe(e, url);
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      res.destroy();
      throw new Error(`cannot download ${safeUrl(url)}: HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`);
    }
    total = Number(res.headers['content-length'] ?? 0) || 0;
    source = res;
  }
  const m = meter(total, hash, o, stalled);
  try {
    await pipeline(source, m.t, createWriteStream(dest), { signal });
  } catch (e) {
    throw signal.aborted ? describe(signal.reason, url) : describe(e, url);
  }
  if (total > 0 && m.bytes() !== total) throw new Error(`cannot download ${safeUrl(url)}: got ${m.bytes()} of ${total} bytes`);
  return { bytes: m.bytes(), digest: hash ? hash.digest('hex') : null };
}
