// The calendar's model, pure so it is tested and benchmarked apart from React: run instants, grouping by local
// day, and conflicts as issue 15 defines them:
//  - "same resource": runs of two different schedules on the same VM (a volume's snapshot counts for the VM it is
//    attached to) within CONFLICT_WINDOW_MS of each other (a stop during a snapshot, two actions within minutes);
//  - "pile-up": PILEUP_RUNS or more runs in the same minute across the cloud.
import type { ScheduledRun } from '../../../../core/contract/responses';
import { parseCsDate } from '../../components/kit/datetime';

export const CONFLICT_WINDOW_MS = 10 * 60_000;
export const PILEUP_RUNS = 50;

export type Conflict = 'resource' | 'pileup';

export interface CalendarRun extends ScheduledRun {
  /** The run's instant (ms). */
  t: number;
  conflict?: Conflict;
  /** With a resource conflict: the other schedule's action. */
  conflictWith?: string;
}

/** CloudStack's "2026-12-08T00:00:00+0000" without a Date per run (10,000 runs a month), else the general parser. */
export function instantOf(s: string): number {
  if (s.length === 24 && s.endsWith('+0000')) {
    return Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10), +s.slice(11, 13), +s.slice(14, 16), +s.slice(17, 19));
  }
  return parseCsDate(s)?.getTime() ?? 0;
}

/** The runs as instants, sorted, with their conflicts flagged. */
export function toCalendarRuns(runs: ScheduledRun[]): CalendarRun[] {
  const out: CalendarRun[] = runs.map((r) => ({ ...r, t: instantOf(r.runat) }));
  out.sort((a, b) => a.t - b.t);
  flagConflicts(out);
  return out;
}

/** Flags conflicts in place (runs sorted by time): O(n) per resource with a sliding window. */
export function flagConflicts(runs: CalendarRun[]): void {
  const byTarget = new Map<string, CalendarRun[]>();
  for (const r of runs) {
    const key = r.virtualmachineid ?? r.resourceid;
    if (!key) continue;
    let list = byTarget.get(key);
    if (!list) byTarget.set(key, (list = []));
    list.push(r);
  }
  for (const list of byTarget.values()) {
    for (let i = 1; i < list.length; i++) {
      for (let j = i - 1; j >= 0 && list[i].t - list[j].t < CONFLICT_WINDOW_MS; j--) {
        if (list[j].scheduleid === list[i].scheduleid) continue;
        list[i].conflict = list[j].conflict = 'resource';
        list[i].conflictWith = list[j].action;
        list[j].conflictWith = list[i].action;
      }
    }
  }
  let start = 0;
  for (let i = 0; i <= runs.length; i++) {
    if (i < runs.length && Math.floor(runs[i].t / 60_000) === Math.floor(runs[start].t / 60_000)) continue;
    if (i - start >= PILEUP_RUNS) for (let k = start; k < i; k++) runs[k].conflict ??= 'pileup';
    start = i;
  }
}

/** Local calendar day key (yyyy-mm-dd in the browser's zone). */
export function dayKey(t: number | Date): string {
  const d = typeof t === 'number' ? new Date(t) : t;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Runs (sorted) per local day of `days` (consecutive), in time order: one walk, no Date per run. */
export function byDay(runs: CalendarRun[], days: Date[]): Map<string, CalendarRun[]> {
  const out = new Map<string, CalendarRun[]>();
  let i = 0;
  for (let d = 0; d < days.length; d++) {
    const start = days[d].getTime();
    const end = d + 1 < days.length ? days[d + 1].getTime() : new Date(days[d].getFullYear(), days[d].getMonth(), days[d].getDate() + 1).getTime();
    while (i < runs.length && runs[i].t < start) i++;
    const j0 = i;
    while (i < runs.length && runs[i].t < end) i++;
    out.set(dayKey(days[d]), runs.slice(j0, i));
  }
  return out;
}

export type CalendarView = 'day' | 'week' | 'month';

/** The window a view shows around `anchor` (local time): [from, to), and the days it lays out. */
export function viewWindow(view: CalendarView, anchor: Date): { from: Date; to: Date; days: Date[] } {
  const a = new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate());
  let from: Date; let count: number;
  if (view === 'day') { from = a; count = 1; }
  else if (view === 'week') { from = new Date(a); from.setDate(a.getDate() - ((a.getDay() + 6) % 7)); count = 7; }
  else {
    const first = new Date(a.getFullYear(), a.getMonth(), 1);
    from = new Date(first); from.setDate(1 - ((first.getDay() + 6) % 7));
    const last = new Date(a.getFullYear(), a.getMonth() + 1, 0);
    const span = Math.round((last.getTime() - from.getTime()) / 86_400_000) + 1;
    count = Math.ceil(span / 7) * 7;
  }
  const days = Array.from({ length: count }, (_, i) => new Date(from.getFullYear(), from.getMonth(), from.getDate() + i));
  const to = new Date(from.getFullYear(), from.getMonth(), from.getDate() + count);
  return { from, to, days };
}

/** Moves the anchor one view back (-1) or forward (+1). */
export function shiftAnchor(view: CalendarView, anchor: Date, step: number): Date {
  const d = new Date(anchor);
  if (view === 'day') d.setDate(d.getDate() + step);
  else if (view === 'week') d.setDate(d.getDate() + 7 * step);
  else d.setMonth(d.getMonth() + step, 1);
  return d;
}

/** CloudStack's tone for a run state: past green/red, upcoming neutral. */
export function runTone(state: string): string {
  return state === 'Succeeded' ? 'ok' : state === 'Failed' ? 'bad' : state === 'Running' ? 'busy' : state === 'Scheduled' ? 'idle' : 'warn';
}
