// The NICs of one VM on its page: each NIC's network, address, MAC and whether it is the default, with add (on a
// network of the VM's zone the owner may use, optionally with a fixed address), remove and make default.
import { useMemo, useState } from 'react';
import { useList } from '../../api/hooks';
import { ActionBar, type Action } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { Card } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { FormDialog } from '../../components/kit/FormDialog';
import { argsOf, useRun } from '../../components/kit/typed';
import { useDebounced } from '../../components/kit/paged-list';
import { fmt } from '../../i18n/messages';
import { TextField, SelectField } from '../infrastructure/form';
import { isIPv4 } from '../infrastructure/validate';
import { useNetMessages } from './messages';
import { NetworkLink } from './NetworkDetail';
import { inSubnet } from './network-form';
import type { Nic, Vm } from './types';
import './networks.css';

const ROW = 38;

function useNicActions(vm: Vm): Action<Nic>[] {
  const m = useNetMessages();
  return useMemo(() => {
    const ip = (n: Nic) => n.ipaddress ?? n.macaddress ?? n.id;
    return [
      { id: 'default', command: 'updateDefaultNicForVirtualMachine', label: m.makeDefault, when: (n) => !n.isdefault,
        params: (n) => argsOf('updateDefaultNicForVirtualMachine', { virtualmachineid: vm.id, nicid: n.id }),
        describe: (n) => fmt(m.jobDefaultNic, { ip: ip(n), vm: vm.name }) },
      { id: 'remove', command: 'removeNicFromVirtualMachine', label: m.removeNic, danger: true, when: (n) => !n.isdefault,
        params: (n) => argsOf('removeNicFromVirtualMachine', { virtualmachineid: vm.id, nicid: n.id }),
        describe: (n) => fmt(m.jobRemoveNic, { ip: ip(n), vm: vm.name }) },
    ];
  }, [m, vm.id, vm.name]);
}

export function VmNics({ vm }: { vm: Vm }) {
  const m = useNetMessages();
  const canAdd = useCan('addNicToVirtualMachine');
  const [adding, setAdding] = useState(false);
  // Default NIC first, then by device (the VM object's nic[] is what listNics answers).
  const nics = [...(vm.nic ?? [])].sort((a, b) => Number(b.isdefault) - Number(a.isdefault) || Number(a.deviceid ?? 0) - Number(b.deviceid ?? 0));
  const actions = useNicActions(vm);
  const columns: Column<Nic>[] = [
    { key: 'network', header: m.network, width: 'minmax(150px, 1.3fr)', render: (n) => <NetworkLink id={n.networkid} name={n.networkname} /> },
    { key: 'ip', header: m.ip, width: 'minmax(120px, 1fr)', render: (n) => n.ipaddress ?? '—' },
    { key: 'gateway', header: m.gateway, width: 'minmax(110px, .8fr)', render: (n) => n.gateway ?? '—' },
    { key: 'mac', header: m.mac, width: 'minmax(140px, 1fr)', render: (n) => <span className="kit-mono">{n.macaddress ?? '—'}</span> },
    { key: 'type', header: m.type, width: 90, render: (n) => n.type ?? '—' },
    { key: 'default', header: m.isDefault, width: 100, render: (n) => (n.isdefault ? <span className="net-nic-default">{m.defaultNic}</span> : m.no) },
    { key: 'actions', header: '', width: 'minmax(200px, 1fr)', render: (n) => <ActionBar actions={actions} rows={[n]} nameOf={(x) => x.ipaddress ?? x.id} /> },
  ];
  return (
    <Card title={fmt(m.nicsTitle, { count: nics.length })} actions={canAdd && vm.state !== 'Destroyed' && <button type="button" onClick={() => setAdding(true)}>{m.addNic}</button>}>
      <p className="muted">{m.defaultNicNote}</p>
      <DataTable<Nic> label={m.nics} columns={columns} rowCount={nics.length} row={(i) => nics[i]} rowId={(n) => n.id}
        rowHeight={ROW} height={Math.max(1, nics.length) * ROW + ROW + 2} empty={m.noNics} />
      {adding && <AddNicDialog vm={vm} onClose={() => setAdding(false)} />}
    </Card>
  );
}

function AddNicDialog({ vm, onClose }: { vm: Vm; onClose(): void }) {
  const m = useNetMessages();
  const run = useRun();
  const [find, setFind] = useState('');
  const keyword = useDebounced(find);
  const [networkId, setNetworkId] = useState('');
  const [ip, setIp] = useState('');
  const [tried, setTried] = useState(false);
  // Networks of the VM's zone its owner can deploy into, minus the ones it already has a NIC on.
  const have = new Set((vm.nic ?? []).map((n) => n.networkid));
  const nets = useList('listNetworks', { zoneid: vm.zoneid, canusefordeploy: true, account: vm.account, domainid: vm.domainid, keyword: keyword || undefined, page: 1, pagesize: 100 });
  const choices = (nets.data?.items ?? []).filter((n) => !have.has(n.id));
  const net = choices.find((n) => n.id === networkId);
  const ipError = !ip.trim() ? undefined : !isIPv4(ip) ? m.badIp
    : net?.gateway && net.netmask && !inSubnet(ip, net.gateway, net.netmask) ? m.outsideSubnet : undefined;
  return (
    <FormDialog title={fmt(m.addNicTitle, { name: vm.displayname || vm.name })} submitLabel={m.addNic} onClose={onClose} canSubmit={!!net}
      onSubmit={async () => {
        setTried(true);
        if (ipError) return 'keep';
        await run('addNicToVirtualMachine', { virtualmachineid: vm.id, networkid: networkId, ipaddress: ip.trim() || undefined },
          fmt(m.jobAddNic, { network: net?.name ?? networkId, vm: vm.name }));
      }}>
      <TextField label={m.searchNetworks} type="search" value={find} onChange={setFind} autoFocus />
      <SelectField label={m.network} value={networkId} onChange={setNetworkId} required
        hint={nets.isFetched && !choices.length ? m.noUsableNetworks : undefined}
        options={[['', m.choose], ...choices.map((n): [string, string] => [n.id, `${n.name} · ${n.type}${n.cidr ? ` · ${n.cidr}` : ''}`])]} />
      {net?.type !== 'L2' && <TextField label={m.fixedIp} value={ip} onChange={setIp} error={tried ? ipError : undefined} hint={m.fixedIpHint} inputMode="decimal" />}
    </FormDialog>
  );
}
