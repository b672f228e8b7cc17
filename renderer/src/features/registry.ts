// The console's areas. Each is loaded on demand (keeps the first screen's JavaScript small) and shown only when
// the role's listApis allows its list command; a user account therefore sees no infrastructure.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface Area {
  id: string;
  /** Command that must be allowed for the area to appear. */
  gate: string;
  icon: string;
  view: LazyExoticComponent<ComponentType>;
}

export const AREAS: Area[] = [
  { id: 'dashboard', gate: 'listVirtualMachines', icon: '◧', view: lazy(() => import('./dashboard/index')) },
  { id: 'topology', gate: 'listHosts', icon: '⌬', view: lazy(() => import('./topology/index')) },
  { id: 'infrastructure', gate: 'listHosts', icon: '▤', view: lazy(() => import('./infrastructure/index')) },
  { id: 'instances', gate: 'listVirtualMachines', icon: '▣', view: lazy(() => import('./instances/index')) },
  { id: 'storage', gate: 'listVolumes', icon: '⛁', view: lazy(() => import('./storage/index')) },
  { id: 'images', gate: 'listTemplates', icon: '◎', view: lazy(() => import('./images/index')) },
  { id: 'offerings', gate: 'listServiceOfferings', icon: '☰', view: lazy(() => import('./offerings/index')) },
  { id: 'accounts', gate: 'listAccounts', icon: '☺', view: lazy(() => import('./accounts/index')) },
  { id: 'events', gate: 'listEvents', icon: '≡', view: lazy(() => import('./events/index')) },
  { id: 'alerts', gate: 'listAlerts', icon: '⚠', view: lazy(() => import('./alerts/index')) },
];
