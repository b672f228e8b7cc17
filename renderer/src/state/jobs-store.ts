// The jobs panel's history: every long action the operator started, live while it runs, kept afterwards.
import { create } from 'zustand';

export type JobState = 'running' | 'succeeded' | 'failed';

export interface TrackedJob {
  id: number;
  connectionId: string;
  command: string;
  label: string;
  jobid?: string;
  resourceId?: string;
  progress: number;
  status: JobState;
  error?: string;
  started: number;
  finished?: number;
}

interface JobsStore {
  jobs: TrackedJob[];
  start(j: { connectionId: string; command: string; label: string }): number;
  update(id: number, patch: Partial<TrackedJob>): void;
  finish(id: number, r: { status: JobState; error?: string }): void;
  clearFinished(): void;
}

const MAX_HISTORY = 500;
let nextId = 1;

export const useJobsStore = create<JobsStore>((set) => ({
  jobs: [],
  start(j) {
    const id = nextId++;
    set((s) => ({ jobs: [{ ...j, id, progress: 0, status: 'running' as const, started: Date.now() }, ...s.jobs].slice(0, MAX_HISTORY) }));
    return id;
  },
  update(id, patch) {
    set((s) => ({ jobs: s.jobs.map((x) => (x.id === id ? { ...x, ...patch } : x)) }));
  },
  finish(id, r) {
    set((s) => ({ jobs: s.jobs.map((x) => (x.id === id ? { ...x, ...r, progress: 100, finished: Date.now() } : x)) }));
  },
  clearFinished() {
    set((s) => ({ jobs: s.jobs.filter((x) => x.status === 'running') }));
  },
}));
