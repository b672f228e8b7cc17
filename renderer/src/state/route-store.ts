// Hash routing (#/instances/<id>?state=Running): works the same from app:// and from a web server.
import { create } from 'zustand';

export interface Route { path: string[]; query: Record<string, string> }

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const [p, q = ''] = h.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: Object.fromEntries(new URLSearchParams(q)) };
}

export function hrefOf(path: string[], query: Record<string, string> = {}): string {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString();
  return `#/${path.map(encodeURIComponent).join('/')}${q ? `?${q}` : ''}`;
}

interface RouteStore extends Route { navigate(path: string[], query?: Record<string, string>): void }

export const useRoute = create<RouteStore>((set) => {
  window.addEventListener('hashchange', () => set(parseHash(location.hash)));
  return {
    ...parseHash(location.hash),
    navigate(path, query = {}) {
      const next = hrefOf(path, query);
      if (location.hash !== next) location.hash = next;
      set({ path, query });
    },
  };
});
