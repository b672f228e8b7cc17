// Bumped after every action the operator runs, so views that keep their own caches (server-paged tables)
// reload the way react-query queries are invalidated.
import { create } from 'zustand';

export const useDataVersion = create<{ version: number; bump(): void }>((set) => ({
  version: 0,
  bump: () => set((s) => ({ version: s.version + 1 })),
}));
