// CSV export of a list's current filter: every page of the same command and params (500 rows a request, the
// server's page limit), each row through the visible columns' text. RFC 4180 quoting; a BOM so spreadsheet
// programs read UTF-8 (Chinese names) correctly.
import type { CloudClient, Params } from '../../api/cloud-client';
import type { Column } from '../DataTable';
import { listItems } from '../../api/list-types';

const PAGE = 500;

export function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A column's plain text for a row: its csv accessor, else what it renders when that is text. */
export function cellText<T>(c: Column<T>, row: T): string {
  if (c.csv) return String(c.csv(row) ?? '');
  const v = c.render(row);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

export function toCsv<T>(columns: Column<T>[], rows: T[]): string {
  const head = columns.map((c) => csvCell(typeof c.header === 'string' ? c.header : c.key)).join(',');
  return [head, ...rows.map((r) => columns.map((c) => csvCell(cellText(c, r))).join(','))].join('\r\n') + '\r\n';
}

/** Fetches every row the filter matches; `progress` gets the rows so far. */
export async function fetchAll<T>(client: CloudClient, command: string, params: Params, progress: (n: number) => void): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const r = await client.call(command, { ...params, page, pagesize: PAGE });
    const items = listItems<T>(r);
    out.push(...items);
    progress(out.length);
    if (items.length < PAGE || out.length >= ((r.count as number | undefined) ?? 0)) return out;
  }
}

export function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
