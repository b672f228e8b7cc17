// Sub-tabs of an area, kept in the route (#/<area>/<tab>) so a tab can be linked, reloaded and navigated back to.
import type { KeyboardEvent, ReactNode } from 'react';
import { hrefOf, useRoute } from '../../state/route-store';

export interface TabDef { id: string; label: string }

export function Tabs({ area, tabs, current, label }: { area: string; tabs: TabDef[]; current: string; label: string }) {
  const navigate = useRoute((s) => s.navigate);
  // Arrow keys move between tabs, as the ARIA tabs pattern expects.
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === current);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step || i < 0) return;
    e.preventDefault();
    const next = tabs[(i + step + tabs.length) % tabs.length];
    navigate([area, next.id]);
    requestAnimationFrame(() => document.getElementById(`tab-${area}-${next.id}`)?.focus());
  };
  return (
    <nav className="kit-tabs" role="tablist" aria-label={label} onKeyDown={onKey}>
      {tabs.map((t) => (
        <a key={t.id} id={`tab-${area}-${t.id}`} role="tab" href={hrefOf([area, t.id])} aria-selected={t.id === current}
          tabIndex={t.id === current ? 0 : -1} className={t.id === current ? 'active' : ''}>{t.label}</a>
      ))}
    </nav>
  );
}

export function TabPanel({ label, children }: { label: string; children: ReactNode }) {
  return <div className="kit-tabpanel" role="tabpanel" aria-label={label}>{children}</div>;
}

/** The tab in the route if it is one of `ids`, else the first. */
export function useTab(ids: string[]): { tab: string; openId: string | undefined } {
  const path = useRoute((s) => s.path);
  const tab = ids.includes(path[1] ?? '') ? path[1] : ids[0];
  return { tab, openId: path[1] === tab ? path[2] : undefined };
}
