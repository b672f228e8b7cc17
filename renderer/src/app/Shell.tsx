// The console frame: navigation (only areas the role allows), top bar (connection, theme, language, jobs),
// the current area, the jobs panel and the command palette.
import { ProjectSwitcher } from '../features/projects/ProjectSwitcher';
import { Suspense, useEffect, type ReactNode } from 'react';
import { AREAS } from '../features/registry';
import { useCloud } from './client-context';
import { useRoute, hrefOf } from '../state/route-store';
import { useUiStore } from '../state/ui-store';
import { useJobsStore } from '../state/jobs-store';
import { useShellMessages } from './shell-messages';
import { fmt } from '../i18n/messages';
import { JobsPanel } from './JobsPanel';
import { CommandPalette } from './CommandPalette';
import { ConnectionStatus } from './ConnectionStatus';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { BrowserAlertNotifier } from '../features/alerts/browser-notify';
import { TestRenderError } from '../components/TestRenderError';

/** The skip link's target: the area's first action (a button or field), else the content region itself. */
function focusContent() {
  const content = document.getElementById('content');
  const first = content?.querySelector<HTMLElement>('button:not([disabled]), input:not([disabled]), select:not([disabled]), a[href], [tabindex="0"]');
  (first ?? content)?.focus();
}

export function Shell({ extraTopbar }: { extraTopbar?: ReactNode } = {}) {
  const m = useShellMessages();
  const { identity, apis, signOut } = useCloud();
  const { path, navigate } = useRoute();
  const ui = useUiStore();
  const running = useJobsStore((s) => s.jobs.filter((j) => j.status === 'running').length);
  const areas = AREAS.filter((a) => apis?.has(a.gate));
  const current = AREAS.find((a) => a.id === path[0]);

  useEffect(() => {
    if (apis && (!current || !apis.has(current.gate)) && areas.length) navigate([areas[0].id]);
  }, [apis, current, areas, navigate]);

  // Fetch every allowed area's code once the first screen is up: React would otherwise hold the previous view
  // for its suspense throttle (~300 ms) on the first visit to each area.
  useEffect(() => {
    if (!apis) return;
    // A failed fetch here (the page reloading or going offline mid-download) is not an error to report: opening
    // the area loads it again, and says so if it still cannot.
    const t = setTimeout(() => { for (const a of AREAS) if (apis.has(a.gate)) a.preload().catch(() => undefined); }, 300);
    return () => clearTimeout(t);
  }, [apis]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') { e.preventDefault(); ui.setPaletteOpen(true); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ui]);

  const View = current && apis?.has(current.gate) ? current.view : null;
  return (
    <div className={`shell${ui.sidebarCollapsed ? ' collapsed' : ''}`}>
      <a className="skip-link" href="#content" onClick={(e) => { e.preventDefault(); focusContent(); }}>{m.skipToContent}</a>
      <nav className="sidebar" aria-label="main">
        <div className="brand">
          <span className="brand-name">Strata</span>
          <button type="button" className="icon nav-toggle" aria-label={ui.sidebarCollapsed ? m.expandNav : m.collapseNav}
            aria-expanded={!ui.sidebarCollapsed} onClick={() => ui.setSidebarCollapsed(!ui.sidebarCollapsed)}>{ui.sidebarCollapsed ? '»' : '«'}</button>
        </div>
        {areas.map((a) => {
          const label = m[a.id as keyof typeof m];
          return (
            <a key={a.id} href={hrefOf([a.id])} className={a.id === current?.id ? 'active' : ''} aria-current={a.id === current?.id ? 'page' : undefined}
              title={ui.sidebarCollapsed ? label : undefined} aria-label={ui.sidebarCollapsed ? label : undefined}>
              <span className="icon" aria-hidden>{a.icon}</span><span className="nav-label">{label}</span>
            </a>
          );
        })}
      </nav>
      <div className="main">
        <header className="topbar">
          <ConnectionStatus />
          {extraTopbar}
          <span className="who" title={fmt(m.signedInAs, { user: identity.username, account: identity.account })}>{fmt(m.signedInAs, { user: identity.username, account: identity.account })}</span>
          <span className="spacer" />
          <ProjectSwitcher />
          <button className="ghost" onClick={() => ui.setPaletteOpen(true)}>{m.palette}</button>
          <select aria-label={m.language} value={ui.language} onChange={(e) => ui.setLanguage(e.target.value as 'en' | 'zh-CN')}>
            <option value="en">English</option><option value="zh-CN">简体中文</option>
          </select>
          <button className="ghost" aria-label={m.theme} onClick={() => ui.setTheme(ui.theme === 'dark' ? 'light' : 'dark')}>{ui.theme === 'dark' ? '☀' : '☾'}</button>
          <button className={`ghost${running ? ' busy' : ''}`} onClick={() => ui.setJobsOpen(!ui.jobsOpen)} aria-expanded={ui.jobsOpen}>
            {m.jobs}{running ? ` (${running})` : ''}
          </button>
          {signOut && <button className="ghost" onClick={signOut}>{m.signOut}</button>}
        </header>
        <main className="content" id="content" tabIndex={-1}>
          <ErrorBoundary key={current?.id ?? ''} text={{ title: m.areaError, retry: m.areaRetry }}>
            <Suspense fallback={<div className="loading">{m.loading}</div>}>
              {current && <TestRenderError area={current.id} />}
              {View ? <View /> : <div className="loading">{apis ? m.notAllowed : m.loading}</div>}
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
      {ui.jobsOpen && <JobsPanel />}
      <BrowserAlertNotifier />
      {ui.paletteOpen && <CommandPalette areas={areas.map((a) => ({ id: a.id, label: m[a.id as keyof typeof m] }))} />}
    </div>
  );
}
