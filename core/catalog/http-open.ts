// Opens an http(s) URL for an image download, following redirects itself so that, for callers who may not reach
// internal hosts, every hop is checked: a literal address before connecting, a name at the address it resolves to
// when connecting (kernel/url-guard.ts). fetch() follows redirects out of sight, hence node:http here.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ILLEGAL_HOST_TEXT, guardedLookup, isInternalAddress } from '../kernel/url-guard';

const MAX_REDIRECTS = 10;

export interface OpenOptions {
  signal: AbortSignal;
  /** False: loopback, link-local, any-local and multicast hosts are refused on every hop. */
  allowInternal: boolean;
}

const illegal = () => Object.assign(new Error(ILLEGAL_HOST_TEXT), { code: 'EILLEGALHOST' });

function get(u: URL, o: OpenOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.get(u, { signal: o.signal, ...(o.allowInternal ? {} : { lookup: guardedLookup }) }, resolve);
    req.on('error', reject);
  });
}

/** The final response (2xx or an error status) after following redirects; its body is for the caller to read. */
export async function openUrl(url: string, o: OpenOptions): Promise<IncomingMessage> {
  let u = new URL(url);
  for (let hop = 0; ; hop++) {
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`redirected to an unsupported URL ${u.protocol}//...`);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!o.allowInternal && isIP(host) && isInternalAddress(host)) throw illegal();
    const res = await get(u, o);
    const location = res.headers.location;
    if (res.statusCode === undefined || res.statusCode < 300 || res.statusCode >= 400 || !location) return res;
    res.resume();
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    u = new URL(location, u);
  }
}
