// "CPU %", "Memory %", "Disk" and "Network" columns for the instances and hosts lists, from the list*Metrics
// variants of their list commands (the newest sample of each row: what the VM or host uses now, not what it was
// allocated; a host's disk and network are its VMs' together).
import type { Column } from '../../components/DataTable';
import type { Host, VirtualMachine } from '../../../../core/contract/responses';
import { formatValue } from './units';
import './metrics.css';

/** A use bar with its figure: amber from 75 %, red from 90 % (as the allocation meters). */
export function UseMeter({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">—</span>;
  const v = Math.max(0, Math.min(100, value));
  return (
    <span className="use-meter">
      <span className={`meter${v >= 90 ? ' full' : v >= 75 ? ' high' : ''}`} role="meter" aria-valuenow={Math.round(v)} aria-valuemin={0} aria-valuemax={100}>
        <span style={{ width: `${v}%` }} />
      </span>
      <span className="use-meter-text">{formatValue(value, 'percent')}</span>
    </span>
  );
}

/** "12.34%" (the metrics plugin's form) as a number. */
export const percentOf = (s: string | undefined): number | null => {
  const x = s === undefined ? NaN : parseFloat(s);
  return Number.isFinite(x) ? x : null;
};

export function vmCpuPercent(v: VirtualMachine): number | null {
  return v.state === 'Running' ? percentOf(v.cpuused) : null;
}
export function vmMemoryPercent(v: VirtualMachine): number | null {
  return v.state === 'Running' && v.memorykbs !== undefined && v.memory ? (v.memorykbs / (v.memory * 1024)) * 100 : null;
}
export function hostCpuPercent(h: Host): number | null { return h.state === 'Up' ? percentOf(h.cpuused) : null; }
export function hostMemoryPercent(h: Host): number | null {
  return h.state === 'Up' && h.memoryused !== undefined && h.memorytotal ? (Number(h.memoryused) / Number(h.memorytotal)) * 100 : null;
}

const csvPct = (x: number | null) => (x === null ? '' : x.toFixed(1));

/** The current read and write rates of a row (bytes/s: diskreadrate... of the list*Metrics answers). */
interface Rates { diskreadrate?: number; diskwriterate?: number; networkreadrate?: number; networkwriterate?: number }
const both = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? null : (a ?? 0) + (b ?? 0));

/** Read + written now, with the two parts in the tooltip. */
function RateCell({ read, write, labels }: { read?: number; write?: number; labels: { read: string; write: string } }) {
  const total = both(read, write);
  if (total === null) return <span className="muted">—</span>;
  return (
    <span className="use-meter-text" title={`${labels.read} ${formatValue(read ?? 0, 'bytesPerSec')} · ${labels.write} ${formatValue(write ?? 0, 'bytesPerSec')}`}>
      {formatValue(total, 'bytesPerSec')}
    </span>
  );
}

/** Disk and network columns, sorted by the server (sortby=diskrate|networkrate) over the whole list as CPU % is. */
export function rateColumns<T>(labels: { disk: string; network: string; read: string; write: string }, live: (r: T) => boolean): Column<T>[] {
  const csv = (x: number | null) => (x === null ? '' : String(Math.round(x)));
  // The lists type their rows as the base objects; the metrics variants they call add these fields.
  const rates = (r: T) => r as unknown as Rates;
  const pair = (r: T, k: 'disk' | 'network') => [rates(r)[`${k}readrate`], rates(r)[`${k}writerate`]] as const;
  const column = (key: string, header: string, sortKey: string, k: 'disk' | 'network'): Column<T> => ({
    key, header, width: 90, sortKey, csv: (r) => csv(live(r) ? both(...pair(r, k)) : null),
    render: (r) => (live(r) ? <RateCell read={pair(r, k)[0]} write={pair(r, k)[1]} labels={labels} /> : <span className="muted">—</span>),
  });
  return [column('diskrate', labels.disk, 'diskrate', 'disk'), column('netrate', labels.network, 'networkrate', 'network')];
}

/**
 * The two columns, sortable by the server over the whole list (sortby=cpuused|memoryused of the list*Metrics
 * commands): sorting only the rows on screen would hide the busiest VM on another page.
 */
export function usageColumns<T>(labels: { cpu: string; memory: string }, cpu: (r: T) => number | null, mem: (r: T) => number | null): Column<T>[] {
  return [
    { key: 'cpuuse', header: labels.cpu, width: 90, sortKey: 'cpuused', csv: (r) => csvPct(cpu(r)), render: (r) => <UseMeter value={cpu(r)} /> },
    { key: 'memuse', header: labels.memory, width: 90, sortKey: 'memoryused', csv: (r) => csvPct(mem(r)), render: (r) => <UseMeter value={mem(r)} /> },
  ];
}
