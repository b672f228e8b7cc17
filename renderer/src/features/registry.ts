// The console's areas. Each is loaded on demand (keeps the first screen's JavaScript small) and shown only when
// the role's listApis allows its list command; a user account therefore sees no infrastructure.
import { createElement, lazy, type ComponentType } from 'react';

export interface Area {
  id: string;
  /** Command that must be allowed for the area to appear. */
  gate: string;
  icon: string;
  view: ComponentType;
  /** Loads the view's code; the shell calls it when idle so switching areas never waits on a download. */
  preload: () => Promise<unknown>;
}

/**
 * Once an area's code is loaded its view renders directly; only before that does it go through React.lazy.
 * React.lazy suspends on the first render even when the module is already loaded, and a navigation that suspends
 * keeps the previous view for React's fallback throttle (~300 ms): half the in-app switches took that long.
 */
function area(id: string, gate: string, icon: string, load: () => Promise<{ default: ComponentType }>): Area {
  let loaded: ComponentType | null = null;
  let loading: Promise<unknown> | null = null;
  const preload = () => (loading ??= load().then((m) => { loaded = m.default; }, (e: unknown) => { loading = null; throw e; }));
  const lazyView = lazy(async () => { await preload(); return { default: loaded! }; });
  const view: ComponentType = () => createElement(loaded ?? lazyView);
  return { id, gate, icon, view, preload };
}

export const AREAS: Area[] = [
  area('dashboard', 'listVirtualMachines', '◧', () => import('./dashboard/index')),
  area('topology', 'listHosts', '⌬', () => import('./topology/index')),
  area('infrastructure', 'listHosts', '▤', () => import('./infrastructure/index')),
  area('instances', 'listVirtualMachines', '▣', () => import('./instances/index')),
  area('groups', 'listInstanceGroups', '▦', () => import('./groups/index')),
  area('consoles', 'createConsoleEndpoint', '▢', () => import('./consoles/index')),
  area('storage', 'listVolumes', '⛁', () => import('./storage/index')),
  area('networks', 'listNetworks', '⇄', () => import('./networks/index')),
  area('images', 'listTemplates', '◎', () => import('./images/index')),
  area('offerings', 'listServiceOfferings', '☰', () => import('./offerings/index')),
  area('accounts', 'listAccounts', '☺', () => import('./accounts/index')),
  area('projects', 'listProjects', '◫', () => import('./projects/index')),
  area('schedules', 'listScheduledRuns', '◷', () => import('./schedules/index')),
  area('events', 'listEvents', '≡', () => import('./events/index')),
  area('alerts', 'listAlerts', '⚠', () => import('./alerts/index')),
];
