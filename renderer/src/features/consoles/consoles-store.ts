// The consoles workspace: which VMs have a console open (per connection, since VM ids belong to one cloud), which
// one is in front, and whether they show as tabs or as a grid. Kept for the browser tab's life (sessionStorage):
// a reload reopens the same consoles, each with a fresh token.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export interface OpenConsole { connectionId: string; vmId: string; name: string }
export type Layout = 'tabs' | 'grid';

interface ConsolesStore {
  open: OpenConsole[];
  /** vmId in front (tabs layout), per connection. */
  active: Record<string, string>;
  layout: Layout;
  add(c: OpenConsole): void;
  remove(connectionId: string, vmId: string): void;
  setActive(connectionId: string, vmId: string): void;
  setLayout(l: Layout): void;
}

export const useConsolesStore = create<ConsolesStore>()(persist((set) => ({
  open: [],
  active: {},
  layout: 'tabs',
  add: (c) => set((s) => ({
    open: s.open.some((o) => o.connectionId === c.connectionId && o.vmId === c.vmId) ? s.open : [...s.open, c],
    active: { ...s.active, [c.connectionId]: c.vmId },
  })),
  remove: (connectionId, vmId) => set((s) => {
    const open = s.open.filter((o) => !(o.connectionId === connectionId && o.vmId === vmId));
    const active = { ...s.active };
    if (active[connectionId] === vmId) {
      const mine = open.filter((o) => o.connectionId === connectionId);
      if (mine.length) active[connectionId] = mine[mine.length - 1].vmId;
      else delete active[connectionId];
    }
    return { open, active };
  }),
  setActive: (connectionId, vmId) => set((s) => ({ active: { ...s.active, [connectionId]: vmId } })),
  setLayout: (layout) => set({ layout }),
}), { name: 'strata.consoles', storage: createJSONStorage(() => sessionStorage) }));
