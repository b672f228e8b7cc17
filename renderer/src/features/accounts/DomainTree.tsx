// The domain hierarchy as an ARIA tree: arrow keys move and expand/collapse, Enter selects, and a filter keeps
// matching domains together with their ancestors so their place in the hierarchy stays visible.
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { buildTree, type TreeNode } from './domains';
import type { Domain } from './types';

interface Visible { node: TreeNode; depth: number; parentId?: string; open: boolean }

function flatten(roots: TreeNode[], expanded: Set<string>, match: ((d: Domain) => boolean) | null): Visible[] {
  const out: Visible[] = [];
  const keep = (n: TreeNode): boolean => !match || match(n.domain) || n.children.some(keep);
  const walk = (list: TreeNode[], depth: number, parentId?: string) => {
    for (const n of list) {
      if (!keep(n)) continue;
      // While filtering, every kept branch is shown open so the matches are visible.
      const open = n.children.length > 0 && (!!match || expanded.has(n.domain.id));
      out.push({ node: n, depth, parentId, open });
      if (open) walk(n.children, depth + 1, n.domain.id);
    }
  };
  walk(roots, 0);
  return out;
}

export function DomainTree({ domains, selectedId, onSelect, filter, label, emptyText }: {
  domains: Domain[]; selectedId?: string; onSelect(d: Domain): void; filter: string; label: string; emptyText: string;
}) {
  const roots = useMemo(() => buildTree(domains), [domains]);
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(domains.filter((d) => d.level <= 1).map((d) => d.id)));
  const q = filter.trim().toLowerCase();
  const match = q ? (d: Domain) => d.name.toLowerCase().includes(q) || d.path.toLowerCase().includes(q) : null;
  const visible = flatten(roots, expanded, match);
  const [focusId, setFocusId] = useState<string | undefined>(selectedId);
  const current = visible.find((v) => v.node.domain.id === focusId) ? focusId : (selectedId ?? visible[0]?.node.domain.id);
  const refs = useRef(new Map<string, HTMLLIElement>());

  // Opening a deep link expands the ancestors of the selected domain: done while rendering, once per selection and
  // domain list (React's pattern for state that follows a prop), so the tree never shows the branch closed.
  const [revealed, setRevealed] = useState<{ id?: string; domains?: Domain[] }>({});
  // (An empty list, which a caller may pass as a new [] on every render while loading, has nothing to open.)
  if (selectedId && domains.length > 0 && (revealed.id !== selectedId || revealed.domains !== domains)) {
    setRevealed({ id: selectedId, domains });
    const byId = new Map(domains.map((d) => [d.id, d]));
    const next = new Set(expanded);
    for (let d = byId.get(byId.get(selectedId)?.parentdomainid ?? ''); d; d = byId.get(d.parentdomainid ?? '')) next.add(d.id);
    if (next.size !== expanded.size) setExpanded(next);
  }

  const toggle = (id: string, open?: boolean) => setExpanded((prev) => {
    const next = new Set(prev);
    if (open ?? !next.has(id)) next.add(id); else next.delete(id);
    return next;
  });
  const moveTo = (id: string | undefined) => { if (!id) return; setFocusId(id); refs.current.get(id)?.focus(); };

  const onKey = (e: KeyboardEvent) => {
    const i = visible.findIndex((v) => v.node.domain.id === current);
    const v = visible[i];
    if (!v) return;
    const id = v.node.domain.id;
    const handled = (() => {
      switch (e.key) {
        case 'ArrowDown': moveTo(visible[i + 1]?.node.domain.id); return true;
        case 'ArrowUp': moveTo(visible[i - 1]?.node.domain.id); return true;
        case 'Home': moveTo(visible[0]?.node.domain.id); return true;
        case 'End': moveTo(visible[visible.length - 1]?.node.domain.id); return true;
        case 'ArrowRight':
          if (v.node.children.length && !v.open) toggle(id, true); else if (v.open) moveTo(v.node.children[0]?.domain.id);
          return true;
        case 'ArrowLeft':
          if (v.open && !match) toggle(id, false); else moveTo(v.parentId);
          return true;
        case 'Enter': case ' ': onSelect(v.node.domain); return true;
        default: return false;
      }
    })();
    if (handled) e.preventDefault();
  };

  if (!visible.length) return <p className="muted">{emptyText}</p>;
  return (
    <ul className="acc-tree" role="tree" aria-label={label} onKeyDown={onKey}>
      {visible.map(({ node, depth, open }) => {
        const d = node.domain;
        const hasKids = node.children.length > 0;
        return (
          <li key={d.id} ref={(el) => { if (el) refs.current.set(d.id, el); else refs.current.delete(d.id); }}
            role="treeitem" aria-level={depth + 1} aria-expanded={hasKids ? open : undefined} aria-selected={d.id === selectedId}
            tabIndex={d.id === current ? 0 : -1} className={`acc-node${d.id === selectedId ? ' selected' : ''}`}
            style={{ paddingLeft: 8 + depth * 18 }} onClick={() => { setFocusId(d.id); onSelect(d); }}>
            <span className="acc-twisty" aria-hidden onClick={(e) => { if (hasKids && !match) { e.stopPropagation(); toggle(d.id); } }}>
              {hasKids ? (open ? '▾' : '▸') : '·'}
            </span>
            <span className="acc-node-name">{d.name}</span>
          </li>
        );
      })}
    </ul>
  );
}
