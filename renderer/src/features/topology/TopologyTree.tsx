// The hierarchy as a keyboard-operable tree (WAI-ARIA tree pattern with aria-activedescendant): arrows move,
// Right/Left expand/collapse or go to child/parent, Enter opens a host or VM. Virtualized like DataTable; a
// host's VMs are fetched when it is expanded.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useCloud } from '../../app/client-context';
import { StateBadge } from '../../components/StateBadge';
import { fmt } from '../../i18n/messages';
import { hrefOf } from '../../state/route-store';
import { useTopologyMessages } from './messages';
import { flattenTree, keyOf, pathTo, type HostVms, type TreeRow } from './tree-rows';
import type { Topology } from './topology-data';

const ROW = 30;
const VM_PAGE = 100;

export interface TreeReveal { hostId: string; vmId?: string; nonce: number }

/** The row a reveal focuses: the VM's, else the host's. */
const revealKey = (r: TreeReveal) => (r.vmId ? `v-${r.vmId}` : keyOf.host(r.hostId));

export function TopologyTree({ topo, reveal, onOpenHost, onOpenVm }: { topo: Topology; reveal: TreeReveal | null; onOpenHost(id: string): void; onOpenVm(id: string): void }) {
  const m = useTopologyMessages();
  const { client } = useCloud();
  const qc = useQueryClient();
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(topo.zones.flatMap((z) => [keyOf.zone(z.id), ...z.pods.map((p) => keyOf.pod(p.id))])));
  const [vms, setVms] = useState<Map<string, HostVms>>(new Map());
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(500);
  const scroller = useRef<HTMLDivElement>(null);

  const rows = useMemo(() => flattenTree(topo, expanded, vms), [topo, expanded, vms]);
  const focusIndex = Math.max(0, rows.findIndex((r) => r.key === focusKey));

  const markLoading = (cur: Map<string, HostVms>, hostId: string) =>
    (cur.get(hostId)?.status === 'ok' ? cur : new Map(cur).set(hostId, { status: 'loading' as const, vms: [], count: 0 }));
  // Fetches a host's VMs; the answer (or the error) lands in `vms` when it comes.
  const fetchVms = useCallback((hostId: string) => {
    qc.fetchQuery({
      queryKey: [client.connectionId, 'listVirtualMachines', { hostid: hostId, listall: true, page: 1, pagesize: VM_PAGE }],
      queryFn: () => client.call('listVirtualMachines', { hostid: hostId, listall: true, details: 'min', page: 1, pagesize: VM_PAGE }),
      staleTime: 15_000,
    }).then(
      (r) => setVms((cur) => new Map(cur).set(hostId, { status: 'ok', count: r.count ?? 0, vms: (r.virtualmachine ?? []).map((v: any) => ({ id: v.id, name: v.name, state: v.state, hostid: hostId })) })),
      (e) => setVms((cur) => new Map(cur).set(hostId, { status: 'error', vms: [], count: 0, error: e instanceof Error ? e.message : String(e) })),
    );
  }, [client, qc]);
  const loadVms = useCallback((hostId: string) => {
    setVms((cur) => markLoading(cur, hostId));
    fetchVms(hostId);
  }, [fetchVms]);

  const setOpen = useCallback((row: TreeRow, open: boolean) => {
    setExpanded((cur) => {
      const next = new Set(cur);
      if (open) next.add(row.key); else next.delete(row.key);
      return next;
    });
    if (open && row.kind === 'host') loadVms(row.node.id);
  }, [loadVms]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const scrollTo = (i: number) => {
    const el = scroller.current;
    if (!el) return;
    const top = i * ROW;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top - el.clientHeight + ROW * 2;
  };

  // From the search box: open the path to a host (and its VMs for a VM), focus the row.
  // The tree's state follows a new reveal while rendering (React's pattern for state that follows a prop); the
  // fetch of the VMs and the scroll, which reach outside React, happen in the effects below.
  const [revealed, setRevealed] = useState<TreeReveal | null>(null);
  if (reveal && reveal !== revealed) {
    setRevealed(reveal);
    setExpanded((cur) => new Set([...cur, ...pathTo(topo, reveal.hostId, !!reveal.vmId)]));
    if (reveal.vmId) setVms((cur) => markLoading(cur, reveal.hostId));
    setFocusKey(revealKey(reveal));
  }
  const pendingReveal = useRef<string | null>(null);
  useEffect(() => {
    if (!revealed) return;
    if (revealed.vmId) fetchVms(revealed.hostId);
    pendingReveal.current = revealKey(revealed);
  }, [revealed, fetchVms]);
  useEffect(() => {
    if (!pendingReveal.current) return;
    const i = rows.findIndex((r) => r.key === pendingReveal.current);
    if (i >= 0) { scrollTo(i); pendingReveal.current = null; scroller.current?.focus(); }
  }, [rows]);

  const move = (i: number) => {
    const j = Math.max(0, Math.min(rows.length - 1, i));
    setFocusKey(rows[j]?.key ?? null);
    scrollTo(j);
  };
  const activate = (row: TreeRow) => {
    if (row.kind === 'host') onOpenHost(row.node.id);
    else if (row.kind === 'vm') onOpenVm(row.node.id);
    else if (row.expandable) setOpen(row, !expanded.has(row.key));
  };
  const onKey = (e: React.KeyboardEvent) => {
    const row = rows[focusIndex];
    if (!row) return;
    switch (e.key) {
      case 'ArrowDown': move(focusIndex + 1); break;
      case 'ArrowUp': move(focusIndex - 1); break;
      case 'Home': move(0); break;
      case 'End': move(rows.length - 1); break;
      case 'ArrowRight':
        if (row.expandable && !expanded.has(row.key)) setOpen(row, true);
        else if (row.expandable) move(focusIndex + 1);
        break;
      case 'ArrowLeft':
        if (row.expandable && expanded.has(row.key)) setOpen(row, false);
        else if (row.parent) move(rows.findIndex((r) => r.key === row.parent));
        break;
      case 'Enter': activate(row); break;
      default: return;
    }
    e.preventDefault();
  };

  const start = Math.max(0, Math.floor(scrollTop / ROW) - 8);
  const end = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW) + 8);
  const items: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const row = rows[i];
    const open = expanded.has(row.key);
    items.push(
      <div key={row.key} id={`tt-${row.key}`} role="treeitem" aria-level={row.level} aria-expanded={row.expandable ? open : undefined}
        aria-selected={i === focusIndex} className={`tt-row${i === focusIndex ? ' focused' : ''} tt-${row.kind}`}
        style={{ top: i * ROW, height: ROW, paddingLeft: 8 + (row.level - 1) * 20 }}
        onClick={() => { setFocusKey(row.key); if (row.expandable) setOpen(row, !open); }}>
        <span className="tt-twisty" aria-hidden>{row.expandable ? (open ? '▾' : '▸') : ''}</span>
        <RowContent row={row} m={m} vms={row.kind === 'host' ? vms.get(row.node.id) : undefined} />
        {row.kind === 'host' && <a className="tt-open" href={hrefOf(['infrastructure', 'hosts', row.node.id])} onClick={(e) => e.stopPropagation()}>{m.open}</a>}
        {row.kind === 'vm' && <a className="tt-open" href={hrefOf(['instances', row.node.id])} onClick={(e) => e.stopPropagation()}>{m.open}</a>}
      </div>,
    );
  }
  const active = rows[focusIndex];
  return (
    <div className="tt" ref={scroller} role="tree" aria-label={m.treeLabel} tabIndex={0} onKeyDown={onKey}
      aria-activedescendant={active && focusIndex >= start && focusIndex < end ? `tt-${active.key}` : undefined}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div style={{ height: rows.length * ROW, position: 'relative' }}>{items}</div>
    </div>
  );
}

function RowContent({ row, m, vms }: { row: TreeRow; m: ReturnType<typeof useTopologyMessages>; vms?: HostVms }) {
  switch (row.kind) {
    case 'zone': {
      const z = row.node;
      return <><span className="tt-kind">{m.zone}</span><strong>{z.name}</strong>{z.allocationstate !== 'Enabled' && <StateBadge state={z.allocationstate} />}
        <span className="tt-count">{fmt(m.countPods, { n: z.pods.length })} · {fmt(m.countClusters, { n: z.clusterCount })} · {fmt(m.countHosts, { n: z.hostCount })}</span></>;
    }
    case 'pod': {
      const p = row.node;
      return <><span className="tt-kind">{m.pod}</span><strong>{p.name}</strong>{p.allocationstate !== 'Enabled' && <StateBadge state={p.allocationstate} />}
        <span className="tt-count">{fmt(m.countClusters, { n: p.clusters.length })} · {fmt(m.countHosts, { n: p.hostCount })}</span></>;
    }
    case 'cluster': {
      const c = row.node;
      const up = c.hosts.filter((h) => h.state === 'Up').length;
      return <><span className="tt-kind">{m.cluster}</span><strong>{c.name}</strong><span className="muted">{c.hypervisor}</span>
        {c.allocationstate !== 'Enabled' && <StateBadge state={c.allocationstate} />}
        <span className="tt-count">{fmt(m.countUp, { up, n: c.hosts.length })}</span></>;
    }
    case 'host': {
      const h = row.node;
      return <><span className="tt-kind">{m.host}</span><strong>{h.name}</strong><StateBadge state={h.state} />
        {h.resourcestate !== 'Enabled' && <StateBadge state={h.resourcestate} />}
        <span className="tt-count">{m.cpuShort} {h.cpuPct.toFixed(0)} % · {m.memShort} {h.memPct.toFixed(0)} %{vms?.status === 'ok' ? ` · ${fmt(m.countVms, { n: vms.count })}` : ''}</span></>;
    }
    case 'vm':
      return <><span className="tt-kind">{m.vm}</span><strong>{row.node.name}</strong><StateBadge state={row.node.state} /></>;
    case 'note':
      return <span className="muted">{row.text === 'loading' ? m.vmsLoading : row.text === 'none' ? m.noVms : row.text === 'more' ? fmt(m.moreVms, { n: row.n ?? 0 }) : fmt(m.vmsFailed, { text: row.error ?? '' })}</span>;
  }
}
