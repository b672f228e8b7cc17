// Every domain the caller can see, for the tree and for domain pickers. Domains are few compared to VMs, but
// the API pages at 500, so read page after page until the count is reached.
import { useQuery } from '@tanstack/react-query';
import { useCloud } from '../../app/client-context';
import type { Domain } from './types';

const PAGE = 500;

export function useAllDomains() {
  const { client } = useCloud();
  return useQuery({
    queryKey: [client.connectionId, 'listDomains', 'all-pages'],
    queryFn: async () => {
      const all: Domain[] = [];
      for (let page = 1; ; page++) {
        const r = await client.call('listDomains', { listall: true, page, pagesize: PAGE });
        const items = (r.domain as Domain[]) ?? [];
        all.push(...items);
        if (items.length < PAGE || all.length >= (r.count ?? 0)) break;
      }
      return all;
    },
  });
}

/** Domain picker options, labelled by path (ROOT/Engineering/QA) and sorted so children follow parents. */
export function domainOptions(domains: Domain[] | undefined): [string, string][] {
  return [...(domains ?? [])].sort((a, b) => a.path.localeCompare(b.path)).map((d) => [d.id, d.path]);
}

export interface TreeNode { domain: Domain; children: TreeNode[] }

/** Builds the forest from parent links; a domain whose parent is not visible to the caller becomes a root. */
export function buildTree(domains: Domain[]): TreeNode[] {
  const nodes = new Map(domains.map((d) => [d.id, { domain: d, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.domain.parentdomainid ? nodes.get(n.domain.parentdomainid) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  const sort = (list: TreeNode[]) => { list.sort((a, b) => a.domain.name.localeCompare(b.domain.name)); list.forEach((c) => sort(c.children)); };
  sort(roots);
  return roots;
}
