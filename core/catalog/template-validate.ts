// Input checks of registerTemplate/registerIso/updateTemplate. All run before anything is written, so a
// refused registration leaves no rows behind.
import { isAbsolute } from 'node:path';
import type { Db } from '../db/connect';
import type { DriverRegistry } from '../hypervisors/driver';
import { invalidParam, notFound } from '../kernel/errors';
import { TEMPLATE_FORMATS } from '../contract/commands/catalog';
import { DEFAULT_OS_TYPE, type OsTypes } from './os-types';
import { localSource } from './image-fetch';
import { ILLEGAL_HOST_TEXT, checkUrlHost as checkHostReachable } from '../kernel/url-guard';
import { settingFlag, type SettingSource } from '../kernel/settings';
import { isRootAdmin, type Caller } from '../identity/caller';
import { AccountType } from '../contract/roles';

/** Normalises a template format; 431 for unknown formats and for ISO (which only registerIso takes). */
export function checkFormat(format: string): string {
  const f = format.trim().toUpperCase();
  if (f === 'ISO') throw invalidParam('Image format ISO is only accepted by registerIso; use registerIso to register an ISO');
  if (!(TEMPLATE_FORMATS as readonly string[]).includes(f)) {
    throw invalidParam(`Image format is incorrect ${format}. Supported formats are ${TEMPLATE_FORMATS.join(', ')}`);
  }
  return f;
}

const SCHEMES = ['http:', 'https:', 'file:'];

/** Accepts http(s):// and file:// URLs and absolute local paths; 431 otherwise. */
export function checkUrl(url: string): string {
  const u = url.trim();
  if (u.startsWith('/') && isAbsolute(u)) return u;
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw invalidParam(`Invalid URL ${url}: expected an http://, https:// or file:// URL or an absolute local path`);
  }
  if (!SCHEMES.includes(parsed.protocol)) {
    throw invalidParam(`Unsupported scheme for url: ${url}. Supported schemes are http, https and file`);
  }
  if (parsed.protocol !== 'file:' && !parsed.hostname) throw invalidParam(`Invalid URL ${url}: the host name is missing`);
  if (parsed.protocol === 'file:' && (parsed.pathname === '' || parsed.pathname === '/')) {
    throw invalidParam(`Invalid URL ${url}: the file path is missing`);
  }
  return u;
}

/**
 * The server is about to fetch `url` for the caller: its host must not be loopback, link-local, any-local or
 * multicast (after name resolution), as CloudStack refuses ("Illegal host specified in url"). Root admins
 * registering for a root admin account may opt in to such hosts with allow.internal.url.hosts.for.root.admin.
 * Local files are the downloader's business (root admins only). The downloader checks again on every connection.
 */
export async function checkUrlHost(svc: SettingSource, caller: Caller, ownerAccountId: string, url: string): Promise<void> {
  if (localSource(url) !== null) return;
  if (isRootAdmin(caller) && await settingFlag(svc, 'allow.internal.url.hosts.for.root.admin')) {
    const owner = await svc.db.selectFrom('accounts').select('type').where('id', '=', ownerAccountId).executeTakeFirst();
    if (owner?.type === AccountType.Admin) return;
  }
  try {
    await checkHostReachable(url);
  } catch {
    throw invalidParam(ILLEGAL_HOST_TEXT);
  }
}

/** Hex digest length of each algorithm CloudStack accepts in `{ALGO}hex` checksums. */
const DIGEST_HEX: Record<string, number> = { MD5: 32, 'SHA-1': 40, 'SHA-224': 56, 'SHA-256': 64, 'SHA-384': 96, 'SHA-512': 128 };
const BARE_LENGTHS = new Set(Object.values(DIGEST_HEX));
const HEX = /^[0-9a-fA-F]+$/;

/** Returns the checksum as stored (algorithm prefix upper-cased, digest lower-cased), null when absent; 431 when malformed. */
export function checkChecksum(checksum: string | undefined): string | null {
  if (checksum === undefined || checksum.trim() === '') return null;
  const c = checksum.trim();
  const bad = () => invalidParam(`Invalid checksum ${checksum}: expected {ALGORITHM}hexdigest with ALGORITHM one of ` +
    `${Object.keys(DIGEST_HEX).join(', ')} (e.g. {SHA-256}9f86d0...), or a bare MD5/SHA hex digest`);
  const m = /^\{([^}]*)\}(.*)$/.exec(c);
  if (m) {
    const algo = m[1].toUpperCase();
    const want = DIGEST_HEX[algo];
    if (want === undefined || m[2].length !== want || !HEX.test(m[2])) throw bad();
    return `{${algo}}${m[2].toLowerCase()}`;
  }
  if (!HEX.test(c) || !BARE_LENGTHS.has(c.length)) throw bad();
  return c.toLowerCase();
}

/** The driver registry's spelling of a hypervisor name; 431 when no driver supports it. */
export function checkHypervisor(drivers: DriverRegistry, hypervisor: string): string {
  const supported = drivers.supported();
  const hit = supported.find((h) => h.toLowerCase() === hypervisor.trim().toLowerCase());
  if (!hit) {
    throw invalidParam(`Hypervisor ${hypervisor} is not supported. Supported hypervisors: ${supported.join(', ')}`);
  }
  return hit;
}

/** The OS type id to store: the given one (must exist) or the default "Other (64-bit)". */
export async function checkOsType(osTypes: OsTypes, cmd: string, ostypeid: string | undefined): Promise<string | null> {
  if (ostypeid !== undefined) {
    if (!(await osTypes.byId(ostypeid))) throw notFound(cmd, 'ostypeid', ostypeid);
    return ostypeid;
  }
  return (await osTypes.byDescription(DEFAULT_OS_TYPE))?.id ?? null;
}

/**
 * Zones to register in: `zoneid` or `zoneids`, `-1` meaning every zone (a cross-zone template). Every zone
 * must exist; 431 when none is given or none exists.
 */
export async function resolveZones(db: Db, cmd: string, zoneid: string | undefined, zoneids: string[] | undefined):
  Promise<{ zoneIds: string[]; crossZones: boolean }> {
  if (zoneid !== undefined && zoneids !== undefined) throw invalidParam('Specify either zoneid or zoneids, not both');
  const wanted = zoneids ?? (zoneid !== undefined ? [zoneid] : []);
  if (wanted.length === 0) throw invalidParam('Please specify zoneid or zoneids (-1 for all zones)');
  const live = await db.selectFrom('zones').select('id').where('removed', 'is', null).orderBy('created').execute();
  if (wanted.includes('-1')) {
    if (live.length === 0) throw invalidParam('No zone exists yet; create a zone before registering images');
    return { zoneIds: live.map((z) => z.id), crossZones: true };
  }
  const liveIds = new Set(live.map((z) => z.id));
  for (const z of wanted) if (!liveIds.has(z)) throw notFound(cmd, zoneid !== undefined ? 'zoneid' : 'zoneids', z);
  return { zoneIds: [...new Set(wanted)], crossZones: false };
}
