// Links between areas. Routes of areas owned elsewhere follow the shell's convention #/<area>/<tab-or-id>:
// instances open at #/instances/<id>, hosts at #/infrastructure/hosts/<id>.
import type { ReactNode } from 'react';
import { hrefOf } from '../../state/route-store';

const ROUTES: Record<string, (id: string) => string[]> = {
  VirtualMachine: (id) => ['instances', id],
  Host: (id) => ['infrastructure', 'hosts', id],
  Volume: (id) => ['storage', 'volumes', id],
  Snapshot: (id) => ['storage', 'snapshots', id],
  StoragePool: (id) => ['storage', 'pools', id],
  Network: (id) => ['networks', 'networks', id],
  DomainRouter: (id) => ['networks', 'routers', id],
  Template: (id) => ['images', 'templates', id],
  Iso: (id) => ['images', 'isos', id],
  ServiceOffering: (id) => ['offerings', 'compute', id],
  DiskOffering: (id) => ['offerings', 'disk', id],
  Account: (id) => ['accounts', 'accounts', id],
  User: (id) => ['accounts', 'users', id],
  Domain: (id) => ['accounts', 'domains', id],
  Role: (id) => ['accounts', 'roles', id],
};

/** The console page of a CloudStack resource type (as events name them), if there is one. */
export function resourceHref(resourceType: string | undefined, id: string | undefined): string | null {
  const route = resourceType && id ? ROUTES[resourceType] : undefined;
  return route ? hrefOf(route(id!)) : null;
}

/** A link inside a table row: following it must not also open the row. */
export function RowLink({ href, children, label }: { href: string | null; children: ReactNode; label?: string }) {
  if (!href) return <>{children}</>;
  return <a className="kit-link" href={href} aria-label={label} onClick={(e) => e.stopPropagation()}>{children}</a>;
}
