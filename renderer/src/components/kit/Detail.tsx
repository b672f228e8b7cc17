// The one detail pattern, for every resource: a header (back link, the name, its state badges, its actions), tabs
// when the resource has more than one facet, and key/value panels (Properties). A resource with its own route
// (a VM, a host) uses <DetailPage>; a row opened inside an area's list uses <DetailPane> from ListFrame, which
// takes the list's place with the same header. New areas (networks, schedules, maintenance) should use these.
import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { StateBadge } from '../StateBadge';
import './detail.css';

/**
 * Long names ("VM-5d1c0c3e-8f5a-4b8e-9a0e-1f2b3c4d5e6f") cut in the middle, so both the start and the tail that
 * tells them apart stay visible; the full name is the tooltip and stays whole for screen readers and copy.
 */
export function MiddleEllipsis({ text, tail = 12 }: { text: string; tail?: number }) {
  if (text.length <= tail * 2) return <span className="mid-ellipsis" title={text}><span className="mid-head">{text}</span></span>;
  return (
    <span className="mid-ellipsis" title={text}>
      <span className="mid-head">{text.slice(0, -tail)}</span>
      <span className="mid-tail">{text.slice(-tail)}</span>
    </span>
  );
}

export interface DetailHeaderProps {
  name: string;
  /** State values shown as badges beside the name (state, resource state...). */
  states?: (string | undefined)[];
  /** Extra words after the badges ("Working…"). */
  status?: ReactNode;
  back?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  /** 1 on a page of its own, 2 inside an area whose title is the h1. */
  level?: 1 | 2;
}

export function DetailHeader({ name, states = [], status, back, subtitle, actions, level = 1 }: DetailHeaderProps) {
  const H = level === 1 ? 'h1' : 'h2';
  return (
    <header className="detail-head">
      {back && <div className="detail-back">{back}</div>}
      <div className="detail-title-row">
        <H className="detail-title">
          <MiddleEllipsis text={name} />
          {states.filter((s): s is string => !!s).map((s, i) => <StateBadge key={`${i}-${s}`} state={s} />)}
          {status}
        </H>
        {actions && <div className="detail-actions actionbar">{actions}</div>}
      </div>
      {subtitle && <div className="detail-sub">{subtitle}</div>}
    </header>
  );
}

export interface DetailTab { id: string; label: string; render(): ReactNode }

/** In-page tabs (ARIA tabs pattern: arrows move between them); the first is shown first. */
export function DetailTabs({ tabs, label }: { tabs: DetailTab[]; label: string }) {
  const [current, setCurrent] = useState(tabs[0]?.id);
  const base = useId();
  const tab = tabs.find((t) => t.id === current) ?? tabs[0];
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.indexOf(tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = tabs[(i + step + tabs.length) % tabs.length];
    setCurrent(next.id);
    requestAnimationFrame(() => document.getElementById(`${base}-${next.id}`)?.focus());
  };
  if (!tab) return null;
  return (
    <>
      <div className="kit-tabs detail-tabs" role="tablist" aria-label={label} onKeyDown={onKey}>
        {tabs.map((t) => (
          <button key={t.id} type="button" id={`${base}-${t.id}`} role="tab" aria-selected={t === tab} aria-controls={`${base}-panel`}
            tabIndex={t === tab ? 0 : -1} className={t === tab ? 'active' : ''} onClick={() => setCurrent(t.id)}>{t.label}</button>
        ))}
      </div>
      <div className="detail-panel" role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-${tab.id}`}>{tab.render()}</div>
    </>
  );
}

/** A resource's own page: the header, then tabs (or plain content). */
export function DetailPage({ tabs, tabsLabel, children, ...head }: DetailHeaderProps & { tabs?: DetailTab[]; tabsLabel?: string; children?: ReactNode }) {
  return (
    <section className="page detail-page" aria-label={head.name}>
      <DetailHeader {...head} level={1} />
      {children}
      {tabs && <DetailTabs tabs={tabs} label={tabsLabel ?? head.name} />}
    </section>
  );
}
