// Per-zone capacity as listCapacity reports it: one card per zone, one meter per capacity type, with CloudStack's
// own percentage (percentused) so the figures match what its UI and API show.
import { useList } from '../../api/hooks';
import { Card } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { formatBytes, formatMhz } from './format';
import { useDashMessages, type DashMessages } from './messages';
import type { Capacity } from '../../../../core/contract/responses';

export type { Capacity };

type Unit = 'bytes' | 'mhz' | 'count';

/** CloudStack capacity types, in the order the cards show them. */
const TYPES: { type: number; unit: Unit; label(m: DashMessages): string }[] = [
  { type: 1, unit: 'mhz', label: (m) => m.cpu },
  { type: 90, unit: 'count', label: (m) => m.cpuCores },
  { type: 0, unit: 'bytes', label: (m) => m.memory },
  { type: 2, unit: 'bytes', label: (m) => m.primaryUsed },
  { type: 3, unit: 'bytes', label: (m) => m.primaryAllocated },
  { type: 9, unit: 'bytes', label: (m) => m.localStorage },
  { type: 6, unit: 'bytes', label: (m) => m.secondary },
  { type: 4, unit: 'count', label: (m) => m.publicIps },
  { type: 8, unit: 'count', label: (m) => m.directIps },
  { type: 5, unit: 'count', label: (m) => m.privateIps },
  { type: 7, unit: 'count', label: (m) => m.vlans },
  { type: 10, unit: 'count', label: (m) => m.ipv6Subnets },
  { type: 19, unit: 'count', label: (m) => m.gpu },
];
const ORDER = new Map(TYPES.map((t, i) => [t.type, i]));

const amount = (unit: Unit, n: number) => (unit === 'bytes' ? formatBytes(n) : unit === 'mhz' ? formatMhz(n) : n.toLocaleString());

/** CloudStack's default warning threshold is 75 %; the meter turns red near full. */
const meterClass = (pct: number) => (pct >= 90 ? 'meter full' : pct >= 75 ? 'meter high' : 'meter');

function CapacityRow({ c, m }: { c: Capacity; m: DashMessages }) {
  const t = TYPES.find((x) => x.type === c.type);
  const label = t ? t.label(m) : (c.name ?? String(c.type));
  const unit = t?.unit ?? 'count';
  const pct = Math.max(0, Math.min(100, Number(c.percentused) || 0));
  return (
    <div className="cap-row">
      <div className="cap-line">
        <span className="cap-label">{label}</span>
        <span className="cap-pct">{c.percentused}%</span>
      </div>
      <div className={meterClass(pct)} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}
        aria-valuetext={`${c.percentused}%`}>
        <span style={{ width: `${pct}%` }} />
      </div>
      <div className="cap-figures muted">{fmt(m.usedOf, { used: amount(unit, c.capacityused), total: amount(unit, c.capacitytotal) })}</div>
    </div>
  );
}

export function CapacityCards() {
  const m = useDashMessages();
  const caps = useList('listCapacity', {}, { refetchMs: 60_000 });
  const zones = new Map<string, { name: string; items: Capacity[] }>();
  for (const c of caps.data?.items ?? []) {
    const z = zones.get(c.zoneid) ?? { name: c.zonename ?? c.zoneid, items: [] };
    z.items.push(c);
    zones.set(c.zoneid, z);
  }
  return (
    <section aria-label={m.capacity} className="dash-section">
      <h2 className="dash-h">{m.capacity} <span className="muted dash-hint">{m.capacityHint}</span></h2>
      {caps.error && <div className="error" role="alert">{fmt(m.loadFailed, { text: caps.error.message })}</div>}
      {caps.isFetched && zones.size === 0 && !caps.error && <p className="muted">{m.noCapacity}</p>}
      {!caps.isFetched && <p className="muted">{m.loading}</p>}
      <div className="cap-grid">
        {[...zones.entries()].map(([id, z]) => (
          <Card key={id} title={<span aria-label={fmt(m.capacityOf, { zone: z.name })}>{z.name}</span>}>
            <div className="cap-rows">
              {[...z.items].sort((a, b) => (ORDER.get(a.type) ?? 99) - (ORDER.get(b.type) ?? 99)).map((c) => <CapacityRow key={c.type} c={c} m={m} />)}
            </div>
          </Card>
        ))}
      </div>
    </section>
  );
}
