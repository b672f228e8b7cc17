// The project the console looks at (CloudStack UI's project switcher): '' is the default view (the caller's own
// resources); a project's id scopes the lists with projectid=. Client state only, per connection.
import { create } from 'zustand';

interface ProjectStore {
  byConnection: Record<string, string>;
  setProject(connectionId: string, projectId: string): void;
}

export const useProjectStore = create<ProjectStore>((set) => ({
  byConnection: {},
  setProject: (connectionId, projectId) => set((s) => ({ byConnection: { ...s.byConnection, [connectionId]: projectId } })),
}));

