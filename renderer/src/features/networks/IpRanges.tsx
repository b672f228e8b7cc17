// A shared network's IP ranges (admins): each range with its gateway and VLAN, adding another range, and deleting
// one none of whose addresses is in use (the server says which are).
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { DataTable, type Column } from '../../components/DataTable';
import { FormDialog } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { ActionBar, type Action } from '../../components/actions';
import { argsOf } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { TextField } from '../infrastructure/form';
import { isIPv4 } from '../infrastructure/validate';
import { useNetMessages } from './messages';
import { inSubnet, ipNumber } from './network-form';
import type { Network, VlanIpRange } from './types';

const ROW = 38;

export function IpRanges({ network }: { network: Network }) {
  const m = useNetMessages();
  const q = useList('listVlanIpRanges', { networkid: network.id });
  const ranges = q.data?.items ?? [];
  const canAdd = useCan('createVlanIpRange');
  const [adding, setAdding] = useState(false);
  const del: Action<VlanIpRange> = {
    id: 'delete', command: 'deleteVlanIpRange', label: m.deleteRange, danger: true,
    params: (r) => argsOf('deleteVlanIpRange', { id: r.id }), describe: (r) => fmt(m.jobDeleteRange, { start: r.startip ?? '', end: r.endip ?? '' }),
  };
  const columns: Column<VlanIpRange>[] = [
    { key: 'range', header: `${m.startIp} – ${m.endIp}`, width: 'minmax(200px, 1.4fr)', render: (r) => `${r.startip ?? '?'} – ${r.endip ?? '?'}` },
    { key: 'gateway', header: m.gateway, width: 'minmax(110px, 1fr)', render: (r) => r.gateway ?? '—' },
    { key: 'netmask', header: m.netmask, width: 'minmax(110px, 1fr)', render: (r) => r.netmask ?? '—' },
    { key: 'vlan', header: m.vlan, width: 110, render: (r) => r.vlan?.replace(/^vlan:\/\//, '') ?? '—' },
    { key: 'del', header: '', width: 140, render: (r) => <ActionBar actions={[del]} rows={[r]} nameOf={(x) => `${x.startip}–${x.endip}`} /> },
  ];
  return (
    <section className="net-section" aria-label={m.ipRanges}>
      <div className="net-section-head">
        <h3>{m.ipRanges}</h3>
        {canAdd && <button type="button" onClick={() => setAdding(true)}>{m.addRange}</button>}
      </div>
      {q.error && <div className="error" role="alert">{q.error.message}</div>}
      <DataTable label={m.ipRanges} columns={columns} rowCount={ranges.length} row={(i) => ranges[i]} rowId={(r) => r.id}
        rowHeight={ROW} height={Math.max(1, Math.min(ranges.length, 6)) * ROW + ROW + 2} empty={q.isFetched ? m.noRanges : m.loading} />
      {adding && <AddRangeDialog network={network} onClose={() => setAdding(false)} />}
    </section>
  );
}

function AddRangeDialog({ network, onClose }: { network: Network; onClose(): void }) {
  const m = useNetMessages();
  const run = useRun();
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [tried, setTried] = useState(false);
  const check = (v: string, required: boolean) => {
    if (!v.trim()) return required ? m.required : undefined;
    if (!isIPv4(v)) return m.badIp;
    if (network.gateway && network.netmask && !inSubnet(v, network.gateway, network.netmask)) return m.outsideSubnet;
    return undefined;
  };
  const errors = { start: check(start, true), end: check(end, false) ?? (isIPv4(start) && isIPv4(end) && ipNumber(end) < ipNumber(start) ? m.endBeforeStart : undefined) };
  return (
    <FormDialog title={`${m.addRange}: ${network.name}`} submitLabel={m.addRange} onClose={onClose} noValidate
      onSubmit={async () => {
        setTried(true);
        if (errors.start || errors.end) return 'keep';
        await run('createVlanIpRange', { networkid: network.id, startip: start.trim(), endip: end.trim() || undefined },
          fmt(m.jobAddRange, { start: start.trim(), end: end.trim() || start.trim(), name: network.name }));
      }}>
      <p className="muted">{`${m.cidr}: ${network.cidr ?? '—'} · ${m.gateway}: ${network.gateway ?? '—'}`}</p>
      <div className="infra-row">
        <TextField label={m.startIp} value={start} onChange={setStart} error={tried ? errors.start : undefined} required autoFocus inputMode="decimal" />
        <TextField label={m.endIp} value={end} onChange={setEnd} error={tried ? errors.end : undefined} inputMode="decimal" />
      </div>
    </FormDialog>
  );
}
