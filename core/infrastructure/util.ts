// Small helpers shared by the infrastructure handlers: paging, events, number formats, IPv4 checks, settings.
import type { CallContext } from '../kernel/handler';
import { pageWindow } from '../kernel/paging';
import { invalidParam } from '../kernel/errors';

export interface Paging { page?: number; pagesize?: number }

/** Applies CloudStack paging to a query builder (SQLite cannot OFFSET without LIMIT; -1 means all rows). */
export function paged<Q extends { limit(n: number): Q; offset(n: number): Q }>(q: Q, args: Paging, maxPageSize: number): Q {
  const w = pageWindow(args, maxPageSize);
  return w.limit === null ? q : q.limit(w.limit).offset(w.offset);
}

/** In-memory paging for lists computed in code (capacity). */
export function pageArray<T>(items: T[], args: Paging, maxPageSize: number): T[] {
  const w = pageWindow(args, maxPageSize);
  return w.limit === null ? items : items.slice(w.offset, w.offset + w.limit);
}

export async function countOf(q: { executeTakeFirst(): Promise<{ n: number | string | bigint } | undefined> }): Promise<number> {
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

/** LIKE pattern for keyword (substring) search. */
export const likeOf = (s: string) => `%${s}%`;

/** Records a completed admin action and tells the planner the infrastructure changed. */
export async function changed(ctx: CallContext, type: string, description: string,
  resource: { id: string; type: string; name: string }): Promise<void> {
  ctx.svc.caches.infraVersion.changed();
  await ctx.svc.events.record({
    type, description, level: 'INFO', state: 'Completed',
    resourceId: resource.id, resourceType: resource.type, resourceName: resource.name,
    userId: ctx.caller.userId, accountId: ctx.caller.accountId, domainId: ctx.caller.domainId,
  });
}

/** CloudStack's "#.##" number text (cpuwithoverprovisioning "32000", percentused "12.5"). */
export const num2 = (x: number) => String(Math.round(x * 100) / 100);
/** Ratios are shown with at least one decimal ("1.0", "2.5"). */
export const ratio = (x: number) => (Number.isInteger(x) ? x.toFixed(1) : String(x));

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const isIPv4 = (s: string) => IPV4.test(s);
export const ipToInt = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.');

export function requireIPv4(field: string, v: string | undefined | null): void {
  if (v !== undefined && v !== null && !isIPv4(v)) throw invalidParam(`Please enter a valid IPv4 address for the field ${field}: ${v}`);
}

/** Prefix length of a dotted netmask, or -1 when it is not a contiguous mask. */
export function maskBits(netmask: string): number {
  if (!isIPv4(netmask)) return -1;
  const n = ipToInt(netmask);
  const bits = n === 0 ? 0 : 32 - Math.log2(2 ** 32 - n);
  return Number.isInteger(bits) ? bits : -1;
}

export function cidrOf(gateway: string, netmask: string): string | undefined {
  const bits = maskBits(netmask);
  if (!isIPv4(gateway) || bits < 0) return undefined;
  const size = 2 ** (32 - bits);
  return `${intToIp(Math.floor(ipToInt(gateway) / size) * size)}/${bits}`;
}

/** The subnet's last address before its broadcast address (CloudStack's default end of a range without endip). */
export function lastUsableIp(ip: string, netmask: string): string {
  const size = 2 ** (32 - maskBits(netmask));
  const broadcast = Math.floor(ipToInt(ip) / size) * size + size - 1;
  return intToIp(size > 2 ? broadcast - 1 : broadcast);
}

export function sameSubnet(a: string, b: string, netmask: string): boolean {
  const size = 2 ** (32 - maskBits(netmask));
  return Math.floor(ipToInt(a) / size) === Math.floor(ipToInt(b) / size);
}

export function requireCidr(field: string, v: string | undefined): void {
  if (v === undefined) return;
  const m = /^(.+)\/(\d{1,2})$/.exec(v);
  if (!m || !isIPv4(m[1]) || Number(m[2]) > 32) throw invalidParam(`Please enter a valid CIDR for the field ${field}: ${v}`);
}

export const isInfraAdmin = (ctx: CallContext) => ctx.caller.accountType === 1 || ctx.caller.accountType === 3;

/** A name that is unique among live rows (431 otherwise). */
export function duplicate(what: string, name: string, where = ''): never {
  throw invalidParam(`A ${what} with name ${name} already exists${where}`);
}
