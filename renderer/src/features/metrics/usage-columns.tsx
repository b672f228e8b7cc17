// "CPU %" and "Memory %" columns for the instances and hosts lists, from the list*Metrics variants of their list
// commands (the newest sample of each row: what the VM or host uses now, not what it was allocated).
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
