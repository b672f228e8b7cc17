import { describe, expect, it } from 'vitest';
import { buildTopology } from './topology-data';
import { layoutTopology, hostsBounds, vmDotGrid, TILE, type Rect } from './layout';
import { buildHostIndex, hitTest } from './hit-test';
import { allocBucket, stateBucket } from './colors';

/** A lab shaped like the scale check: zones > pods > clusters of uneven size. */
function lab(shape: number[][][]) {
  const zones: any[] = [], pods: any[] = [], clusters: any[] = [], hosts: any[] = [];
  shape.forEach((zonePods, z) => {
    zones.push({ id: `z${z}`, name: `zone-${z}`, allocationstate: 'Enabled' });
    zonePods.forEach((podClusters, p) => {
      pods.push({ id: `z${z}p${p}`, name: `pod-${p}`, zoneid: `z${z}` });
      podClusters.forEach((n, c) => {
        const cid = `z${z}p${p}c${c}`;
        clusters.push({ id: cid, name: `cluster-${c}`, podid: `z${z}p${p}`, zoneid: `z${z}`, hypervisortype: 'Simulator' });
        for (let h = 0; h < n; h++) {
          hosts.push({ id: `${cid}h${h}`, name: `${cid}-h${h}`, type: 'Routing', state: 'Up', resourcestate: 'Enabled', clusterid: cid,
            podid: `z${z}p${p}`, zoneid: `z${z}`, cpuallocatedpercentage: `${h % 100}.00%`, memoryallocatedpercentage: '10.00%' });
        }
      });
    });
  });
  return buildTopology(zones, pods, clusters, hosts);
}

const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('topology layout', () => {
  const t = lab([[[50, 50, 50, 50, 50, 50], [60, 60, 60, 60, 60]], [[50, 50, 50, 50, 50, 50, 50, 50]], [[0]]]);
  const l = layoutTopology(t, 1.6);

  it('puts every host tile inside its own cluster, clusters inside pods, pods inside zones', () => {
    expect(t.hosts).toHaveLength(1000);
    const clusterRect = new Map(l.clusters.map((c) => [c.node.id, c]));
    for (const h of t.hosts) {
      expect(inside({ x: l.hostXY[h.index * 2], y: l.hostXY[h.index * 2 + 1], w: TILE, h: TILE }, clusterRect.get(h.clusterid)!)).toBe(true);
    }
    const podRect = new Map(l.pods.map((p) => [p.node.id, p]));
    for (const c of l.clusters) expect(inside(c, podRect.get(c.node.podid)!)).toBe(true);
    const zoneRect = new Map(l.zones.map((z) => [z.node.id, z]));
    for (const p of l.pods) expect(inside(p, zoneRect.get(p.node.zoneid)!)).toBe(true);
  });

  it('never overlaps two tiles, two clusters or two zones', () => {
    const tiles = t.hosts.map((h) => ({ x: l.hostXY[h.index * 2], y: l.hostXY[h.index * 2 + 1], w: TILE, h: TILE }));
    const byRow = new Map<number, Rect[]>();
    for (const r of tiles) byRow.set(r.y, [...(byRow.get(r.y) ?? []), r]);
    for (const row of byRow.values()) {
      row.sort((a, b) => a.x - b.x);
      for (let i = 1; i < row.length; i++) expect(overlap(row[i - 1], row[i])).toBe(false);
    }
    for (const list of [l.clusters, l.zones]) {
      for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) expect(overlap(list[i], list[j])).toBe(false);
    }
  });

  it('keeps the whole map near the wanted aspect ratio', () => {
    const a = l.bounds.w / l.bounds.h;
    expect(a).toBeGreaterThan(0.8);
    expect(a).toBeLessThan(3.2);
  });

  it('frames a set of hosts', () => {
    const b = hostsBounds(l, [0, 1])!;
    expect(b.w).toBeGreaterThanOrEqual(TILE);
    expect(hostsBounds(l, [])).toBeNull();
  });

  it('hit-tests hosts, VM dots and groups with the drawn geometry', () => {
    const grid = buildHostIndex(l, t.hosts.length);
    const h = t.hosts[123];
    const x = l.hostXY[h.index * 2], y = l.hostXY[h.index * 2 + 1];
    expect(hitTest(t, l, grid, x + TILE / 2, y + TILE / 4, null)).toEqual({ kind: 'host', hostIndex: 123 });
    const vms = Array.from({ length: 5 }, (_, i) => ({ id: `vm${i}`, name: `vm-${i}`, state: 'Running' }));
    const g = vmDotGrid(x, y, vms.length);
    const hit = hitTest(t, l, grid, g.x0 + g.cell * 2.5, g.y0 + g.cell / 2, new Map([[h.id, vms]]));
    expect(hit).toMatchObject({ kind: 'vm', vm: { id: 'vm2' } });
    const c = l.clusters[0];
    expect(hitTest(t, l, grid, c.x + 3, c.y + 3, null)).toMatchObject({ kind: 'cluster', g: { node: { id: c.node.id } } });
    expect(hitTest(t, l, grid, -50, -50, null)).toBeNull();
  });

  it('fits many VM dots in a tile and keeps a cell for "+N" when they do not all fit', () => {
    expect(vmDotGrid(0, 0, 10).shown).toBe(10);
    const many = vmDotGrid(0, 0, 500);
    expect(many.shown).toBeLessThan(500);
    expect(many.cell).toBeGreaterThan(0);
  });
});

describe('host colouring', () => {
  it('ranks maintenance over connectivity problems over disabled', () => {
    expect(stateBucket('Disconnected', 'Maintenance')).toBe('Maintenance');
    expect(stateBucket('Alert', 'Disabled')).toBe('Alert');
    expect(stateBucket('Down', 'Enabled')).toBe('Down');
    expect(stateBucket('Unknown', 'Enabled')).toBe('Disconnected');
    expect(stateBucket('Up', 'Disabled')).toBe('Disabled');
    expect(stateBucket('Up', 'Enabled')).toBe('Up');
    expect(stateBucket('Connecting', 'Enabled')).toBe('Other');
  });

  it('buckets allocation by lower bounds', () => {
    expect([0, 19.9, 20, 59, 80, 89.99, 90, 150].map(allocBucket)).toEqual([0, 0, 1, 2, 4, 4, 5, 5]);
  });
});
