// The simulator's host URL carries the host's size in its query (http://sim-1/?cpunumber=16&cpuspeed=2000&memory=65536).
// The forms show those as separate fields and keep the URL and the fields in step both ways.

export interface SimSize { cpunumber: string; cpuspeed: string; memory: string }

export const SIM_KEYS: (keyof SimSize)[] = ['cpunumber', 'cpuspeed', 'memory'];

export function defaultSimUrl(name = 'sim-host-1'): string {
  return `http://${name}/?cpunumber=16&cpuspeed=2000&memory=65536`;
}

/** The first sim-host-N name no existing host has, so a suggested URL never repeats one. */
export function freeSimName(taken: Iterable<string>): string {
  const names = new Set(taken);
  let n = 1;
  while (names.has(`sim-host-${n}`)) n++;
  return `sim-host-${n}`;
}

/** Reads the size fields from a URL; missing or unparsable ones are ''. */
export function simSizeOf(url: string): SimSize {
  const q = queryOf(url);
  return { cpunumber: q.get('cpunumber') ?? '', cpuspeed: q.get('cpuspeed') ?? '', memory: q.get('memory') ?? '' };
}

/** Sets one size field in the URL's query, keeping everything else (other keys such as latency= included). */
export function withSimSize(url: string, key: keyof SimSize, value: string): string {
  const [base, rest = ''] = splitQuery(url);
  const q = new URLSearchParams(rest);
  if (value.trim()) q.set(key, value.trim()); else q.delete(key);
  const s = q.toString();
  return s ? `${base.includes('/', base.indexOf('//') + 2) ? base : `${base}/`}?${s}` : base;
}

function splitQuery(url: string): [string, string?] {
  const i = url.indexOf('?');
  return i < 0 ? [url] : [url.slice(0, i), url.slice(i + 1)];
}

function queryOf(url: string): URLSearchParams {
  return new URLSearchParams(splitQuery(url)[1] ?? '');
}

/** The host name part of a URL, for naming: http://sim-host-1/?... -> sim-host-1. */
export function hostNameOf(url: string): string {
  const m = url.match(/^[a-z]+:\/\/([^/?:]+)/i);
  return m ? m[1] : url;
}
