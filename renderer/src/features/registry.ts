// The console's areas. Each is loaded on demand (keeps the first screen's JavaScript small) and shown only when
// the role's listApis allows its list command; a user account therefore sees no infrastructure.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface Area {
  id: string;
  /** Command that must be allowed for the area to appear. */
  gate: string;
  icon: string;
  view: LazyExoticComponent<ComponentType>;
  /** Loads the view's code; the shell calls it when idle so switching areas never waits on a download. */
  preload: () => Promise<unknown>;
}

function area(id: string, gate: string, icon: string, load: () => Promise<{ default: ComponentType }>): Area {
  return { id, gate, icon, view: lazy(load), preload: load };
}

export const AREAS: Area[] = [
  area('dashboard', 'listVirtualMachines', '◧', () => import('./dashboard/index')),
  area('topology', 'listHosts', '⌬', () => import('./topology/index')),
  area('infrastructure', 'listHosts', '▤', () => import('./infrastructure/index')),
  area('instances', 'listVirtualMachines', '▣', () => import('./instances/index')),
  area('consoles', 'createConsoleEndpoint', '▢', () => import('./consoles/index')),
  area('storage', 'listVolumes', '⛁', () => import('./storage/index')),
  area('images', 'listTemplates', '◎', () => import('./images/index')),
  area('offerings', 'listServiceOfferings', '☰', () => import('./offerings/index')),
  area('accounts', 'listAccounts', '☺', () => import('./accounts/index')),
  area('events', 'listEvents', '≡', () => import('./events/index')),
  area('alerts', 'listAlerts', '⚠', () => import('./alerts/index')),
];
