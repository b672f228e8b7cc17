// The `virtualmachine`, `volume` and `snapshot` objects (the contract's types, under the names the views use), and
// small formatting helpers shared by the list and the detail page.

import type { Nic, Snapshot, VirtualMachine, Volume } from '../../../../core/contract/responses';

// The API objects, as the contract declares them.
export type { Nic, Snapshot, Volume };
export type Vm = VirtualMachine;

/** States a VM filter can ask for, in the order operators look for them. `Present` is CloudStack's "not destroyed". */
export const VM_FILTER_STATES = ['Running', 'Stopped', 'Starting', 'Stopping', 'Migrating', 'Error', 'Destroyed', 'Expunging', 'Unknown', 'Present'] as const;

/** A VM in one of these states has a job working on it: views poll until it settles. */
export const TRANSITIONAL = new Set(['Starting', 'Stopping', 'Migrating', 'Expunging', 'Restoring']);

export function firstIp(vm: Vm): string | undefined {
  const nics = vm.nic ?? [];
  const nic = nics.find((n) => n.isdefault) ?? nics[0];
  return nic?.ipaddress ?? nic?.ip6address;
}

/** Memory in MiB (CloudStack's "MB") and sizes in bytes: the console's one unit formatter, binary units named as such. */
import { formatMib } from '../../components/kit/format';
export { formatMib as formatMemory, formatBytes } from '../../components/kit/format';

/** CloudStack dates look like 2026-11-25T00:15:02+0000; the offset needs a colon for Date to be sure of it. */
export function parseCsDate(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const d = new Date(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// Dates follow the console's language (set on <html lang> by the app), not only the browser's.
const formatters = new Map<string, Intl.DateTimeFormat>();
function dtf(kind: 'both' | 'day' | 'time'): Intl.DateTimeFormat {
  const lang = document.documentElement.lang || navigator.language;
  const key = `${lang}/${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const o: Intl.DateTimeFormatOptions = kind === 'both' ? { dateStyle: 'medium', timeStyle: 'short' } : kind === 'day' ? { dateStyle: 'medium' } : { timeStyle: 'short' };
    f = new Intl.DateTimeFormat(lang, o);
    formatters.set(key, f);
  }
  return f;
}

/** Date and time apart, for two-line table cells. */
export function dateParts(s: string | undefined): [string, string] {
  const d = parseCsDate(s);
  return d ? [dtf('day').format(d), dtf('time').format(d)] : ['—', ''];
}

export function formatDate(s: string | undefined): string {
  const d = parseCsDate(s);
  return d ? dtf('both').format(d) : '—';
}

/** "1 × 500 MHz · 512 MiB" */
export function computeSummary(vm: Pick<Vm, 'cpunumber' | 'cpuspeed' | 'memory'>): string {
  return `${vm.cpunumber ?? '?'} × ${vm.cpuspeed ?? '?'} MHz · ${formatMib(vm.memory)}`;
}

/** Host names: letters, digits and hyphens, starting with a letter, at most 63 characters (RFC 1123, as CloudStack checks). */
export function validHostName(s: string): boolean {
  return /^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(s);
}
