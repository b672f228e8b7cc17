// Client-only UI state: theme, language, sidebar width, command palette, jobs panel. Persisted in localStorage.
import { create } from 'zustand';

export type Theme = 'light' | 'dark';
export type Language = 'en' | 'zh-CN';

interface UiStore {
  theme: Theme;
  language: Language;
  paletteOpen: boolean;
  jobsOpen: boolean;
  /** Sidebar shows icons only (narrow windows start that way). */
  sidebarCollapsed: boolean;
  setTheme(t: Theme): void;
  setLanguage(l: Language): void;
  setPaletteOpen(o: boolean): void;
  setJobsOpen(o: boolean): void;
  setSidebarCollapsed(c: boolean): void;
}

const saved = (() => {
  try { return JSON.parse(localStorage.getItem('strata.ui') ?? '{}'); } catch { return {}; }
})();
const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;

export const useUiStore = create<UiStore>((set, get) => {
  const persist = () => localStorage.setItem('strata.ui', JSON.stringify({ theme: get().theme, language: get().language, sidebarCollapsed: get().sidebarCollapsed }));
  return {
    theme: saved.theme ?? (prefersDark ? 'dark' : 'light'),
    language: saved.language ?? (navigator.language?.startsWith('zh') ? 'zh-CN' : 'en'),
    paletteOpen: false,
    jobsOpen: false,
    sidebarCollapsed: saved.sidebarCollapsed ?? (typeof innerWidth === 'number' && innerWidth < 1200),
    setTheme: (theme) => { set({ theme }); persist(); },
    setLanguage: (language) => { set({ language }); persist(); },
    setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
    setJobsOpen: (jobsOpen) => set({ jobsOpen }),
    setSidebarCollapsed: (sidebarCollapsed) => { set({ sidebarCollapsed }); persist(); },
  };
});
