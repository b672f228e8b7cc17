// Server-side paging for big tables: pages are fetched only when their rows scroll into view, so a list of
// 100,000 VMs costs a count plus the pages the operator actually looks at.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useCloud } from '../app/client-context';
import type { Params } from './cloud-client';
import { useDataVersion } from '../state/refresh-store';
import { listItems, type ListCommand, type ListItem } from './list-types';

export interface PagedRows<T> {
  count: number | null;
  loading: boolean;
  error: string | null;
  /** The row at an index, or undefined while its page loads. */
  row(i: number): T | undefined;
  /** Asks for the pages covering [start, end). */
  ensure(start: number, end: number): void;
  refresh(): void;
}

export function usePagedRows<N extends ListCommand>(command: N, params: Params, pageSize = 200): PagedRows<ListItem<N>> {
  type T = ListItem<N>;
  const { client } = useCloud();
  const qc = useQueryClient();
  const paramsKey = JSON.stringify(params);
  // The params as of their key: a caller's new-but-equal object does not start the list over.
  const stableParams = useMemo(() => JSON.parse(paramsKey) as Params, [paramsKey]);
  const pages = useRef(new Map<number, T[]>());
  const inflight = useRef(new Set<number>());
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, bump] = useState(0);
  const generation = useRef(0);
  // New filters: the count is unknown again. Set while rendering (React's pattern for state that follows a prop),
  // so the stale count never shows for a frame.
  const listKey = `${client.connectionId}\n${command}\n${paramsKey}`;
  const [countOf, setCountOf] = useState(listKey);
  if (countOf !== listKey) {
    setCountOf(listKey);
    setCount(null);
  }

  const load = useCallback((page: number) => {
    if (pages.current.has(page) || inflight.current.has(page)) return;
    inflight.current.add(page);
    const gen = generation.current;
    qc.fetchQuery({
      queryKey: [client.connectionId, command, paramsKey, 'page', page, pageSize],
      queryFn: () => client.call(command, { ...stableParams, page: page + 1, pagesize: pageSize }),
      staleTime: 15_000,
    }).then((r) => {
      if (gen !== generation.current) return;
      pages.current.set(page, listItems<T>(r));
      setCount((r.count as number) ?? 0);
      setError(null);
    }, (e) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => { inflight.current.delete(page); bump((n) => n + 1); });
  }, [client, command, paramsKey, stableParams, pageSize, qc]);

  // New filters: start over from page 0.
  useEffect(() => {
    pages.current = new Map();
    inflight.current = new Set();
    generation.current++;
    load(0);
  }, [client.connectionId, command, paramsKey, load]);

  // After an action elsewhere in the console, reload what is on screen (keeping the count to avoid a flash).
  const dataVersion = useDataVersion((s) => s.version);
  const seenVersion = useRef(dataVersion);
  useEffect(() => {
    if (seenVersion.current === dataVersion) return;
    seenVersion.current = dataVersion;
    qc.removeQueries({ queryKey: [client.connectionId, command, paramsKey] });
    pages.current = new Map();
    inflight.current = new Set();
    generation.current++;
    load(0);
  }, [dataVersion, qc, client.connectionId, command, paramsKey, load]);

  return useMemo(() => ({
    count,
    loading: count === null && !error,
    error,
    row: (i: number) => pages.current.get(Math.floor(i / pageSize))?.[i % pageSize],
    ensure: (start: number, end: number) => {
      for (let p = Math.floor(start / pageSize); p <= Math.floor(Math.max(start, end - 1) / pageSize); p++) load(p);
    },
    refresh: () => {
      qc.removeQueries({ queryKey: [client.connectionId, command, paramsKey] });
      pages.current = new Map();
      inflight.current = new Set();
      generation.current++;
      load(0);
    },
  }), [count, error, load, pageSize, qc, client.connectionId, command, paramsKey]);
}
