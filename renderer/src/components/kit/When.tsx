// A CloudStack date as the console shows every date: relative while recent, absolute after, the full date and
// time on hover, and a machine-readable <time>. Relative text keeps itself current with one shared minute tick.
import { useSyncExternalStore } from 'react';
import type { Column } from '../DataTable';
import { useUiStore } from '../../state/ui-store';
import { absoluteTime, describeTime, parseCsDate } from './datetime';

const TICK_MS = 30_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(cb: () => void) {
  listeners.add(cb);
  if (!timer) timer = setInterval(() => { now = Date.now(); listeners.forEach((l) => l()); }, TICK_MS);
  return () => {
    listeners.delete(cb);
    if (!listeners.size && timer) { clearInterval(timer); timer = undefined; }
  };
}

/** The current time, shared by every <When> and refreshed every 30 s. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** `value`: a CloudStack date string, or a local moment (ms since the epoch, a Date). */
export function When({ value }: { value: string | number | Date | undefined | null }) {
  const lang = useUiStore((s) => s.language);
  const t = describeTime(value, useNow(), lang);
  if (!t.iso) return <span className="muted">—</span>;
  return <time className="when" dateTime={t.iso} title={t.title}>{t.text}</time>;
}

/** Absolute date and time in the current language, for text that cannot hover (CSV, bulk item names). */
export function formatDateTime(s: string | undefined | null): string {
  const d = parseCsDate(s);
  return d ? absoluteTime(d, useUiStore.getState().language) : '—';
}

/** A list column of a date: shown with <When>, exported as CloudStack's own exact value. */
export function dateColumn<T>(key: string, header: string, get: (row: T) => string | undefined, extra: Partial<Column<T>> = {}): Column<T> {
  return { key, header, width: 150, render: (r) => <When value={get(r)} />, csv: (r) => get(r) ?? '', ...extra };
}
