// The cloud the console is looking at: its client, who is logged in, and which commands their role allows.
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { CloudClient } from '../api/cloud-client';
import { resetConnection, trackedClient } from '../api/connection-state';

export interface Identity { username: string; account: string; accountType: number }

interface ClientContextValue { client: CloudClient; identity: Identity; apis: Set<string> | null; signOut?: () => void }

const Ctx = createContext<ClientContextValue | null>(null);

export function ClientProvider({ client: raw, identity, signOut, children }: { client: CloudClient; identity: Identity; signOut?: () => void; children: ReactNode }) {
  // Every call reports whether the server answered, so the top bar's connection state is never stale.
  const client = useMemo(() => trackedClient(raw), [raw]);
  useEffect(() => { resetConnection(); return resetConnection; }, [client]);
  const apis = useQuery({
    queryKey: [client.connectionId, 'listApis'],
    queryFn: async () => new Set<string>(((await client.call('listApis')).api ?? []).map((a: { name: string }) => a.name)),
    staleTime: 5 * 60_000,
  });
  const value = useMemo(() => ({ client, identity, apis: apis.data ?? null, signOut }), [client, identity, apis.data, signOut]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useCloud(): ClientContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useCloud outside ClientProvider');
  return v;
}

/** Whether the caller's role may run a command (from listApis). Unknown until listApis answers: false. */
export function useCan(command: string): boolean {
  const { apis } = useCloud();
  return apis?.has(command) ?? false;
}
