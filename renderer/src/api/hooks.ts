// react-query hooks over the CloudClient. Every key starts with the connection id, then the command and params.
import { useQuery, useQueryClient, keepPreviousData } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useCloud } from '../app/client-context';
import type { Params } from './cloud-client';
import { runCommand } from './jobs';
import { useDataVersion } from '../state/refresh-store';
import { listItems, type ListCommand, type ListItem } from './list-types';

/** A list command's first page (or a given page), its items typed by the command's declaration. */
export function useList<N extends ListCommand>(command: N, params: Params = {}, opts: { enabled?: boolean; refetchMs?: number } = {}) {
  const { client } = useCloud();
  return useQuery({
    queryKey: [client.connectionId, command, params],
    queryFn: async () => {
      const r = await client.call(command, params);
      return { count: (r.count as number) ?? 0, items: listItems<ListItem<N>>(r) };
    },
    enabled: opts.enabled ?? true,
    refetchInterval: opts.refetchMs,
    placeholderData: keepPreviousData,
  });
}

/** Runs an action (sync or async job), tracked in the jobs panel; refreshes this connection's queries after. */
export function useAction() {
  const { client } = useCloud();
  const qc = useQueryClient();
  return useCallback(async (command: string, params: Params, label: string) => {
    try {
      return await runCommand(client, command, params, label);
    } finally {
      await qc.invalidateQueries({ queryKey: [client.connectionId] });
      useDataVersion.getState().bump();
    }
  }, [client, qc]);
}
