// One object's usage history for a window, through the typed client. Preset ranges end "now"; the live ones
// (1 h, 24 h) poll every 10 s and fetch only what is new (from the start of the last, still filling, bucket),
// merging it into what is loaded, so a long-open page costs a few points per poll, not the whole range.
import { useEffect } from 'react';
import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, type CloudClient } from '../../api/cloud-client';
import { useCloud } from '../../app/client-context';
import { DEFAULT_WINDOW, dateParam, LIVE_POLL_MS, LIVE_RANGES, mergeLive, RANGE_SECONDS, toHistory, type History, type HistoryKind, type Window } from './history-model';

async function fetchHistory(client: CloudClient, kind: HistoryKind, id: string, from: number, to: number, fallbackStep: number): Promise<History> {
  const args = { id, startdate: dateParam(from), enddate: dateParam(to) };
  const r = kind === 'vm' ? (await api(client, 'listVirtualMachinesUsageHistory', args)).virtualmachine
    : kind === 'host' ? (await api(client, 'listHostsUsageHistory', args)).host
      : kind === 'volume' ? (await api(client, 'listVolumesUsageHistory', args)).volume
        : (await api(client, 'listZonesUsageHistory', args)).zone;
  return toHistory(kind, r?.[0]?.stats ?? [], from, to, fallbackStep);
}

/** The query of one object's history for a window (shared by the graphs and the page's early prefetch). */
function usageQuery(client: CloudClient, qc: QueryClient, kind: HistoryKind, id: string, win: Window) {
  const live = win.key !== 'custom' && LIVE_RANGES.has(win.key);
  const queryKey = [client.connectionId, 'usageHistory', kind, id, win.key, win.key === 'custom' ? [win.from, win.to] : null];
  return {
    queryKey,
    queryFn: async (): Promise<History> => {
      const now = Math.floor(Date.now() / 1000);
      if (win.key === 'custom') return fetchHistory(client, kind, id, win.from, win.to, 10);
      const from = now - RANGE_SECONDS[win.key];
      const prev = qc.getQueryData<History>(queryKey);
      if (live && prev && prev.t.length > 1) {
        // One bucket back from the last (still filling) one, so a fresh answer always has two points to size its step.
        const last = prev.t[prev.t.length - 1];
        const since = last - (last % prev.step) - prev.step;
        return mergeLive(prev, await fetchHistory(client, kind, id, since, now, prev.step), from, now);
      }
      return fetchHistory(client, kind, id, from, now, 10);
    },
    refetchInterval: live ? LIVE_POLL_MS : (false as const),
    staleTime: live ? 0 : 60_000,
  };
}

export function useUsageHistory(kind: HistoryKind, id: string, win: Window) {
  const { client } = useCloud();
  const qc = useQueryClient();
  return useQuery({ ...usageQuery(client, qc, kind, id, win), placeholderData: keepPreviousData });
}

/** Starts loading the first range's history while the page still loads its object (the graphs then find it). */
export function usePrefetchUsage(kind: HistoryKind, id: string, enabled: boolean): void {
  const { client } = useCloud();
  const qc = useQueryClient();
  useEffect(() => {
    if (enabled) void qc.prefetchQuery({ ...usageQuery(client, qc, kind, id, DEFAULT_WINDOW), staleTime: 5_000 });
  }, [client, qc, kind, id, enabled]);
}
