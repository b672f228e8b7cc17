// One VM in the detail pattern: header with its name, state and the actions its state and the caller's role allow,
// then tabs for its properties, its volumes with their snapshots, and its events. While a job acts on it (ours or anyone's), the page refreshes itself.
import { useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useList } from '../../api/hooks';
import { useCan, useCloud } from '../../app/client-context';
import { ActionBar } from '../../components/actions';
import { Card, Properties } from '../../components/Page';
import { DetailPage } from '../../components/kit/Detail';
import { StateBadge } from '../../components/StateBadge';
import { hrefOf } from '../../state/route-store';
import { useJobsStore } from '../../state/jobs-store';
import { lastListQuery } from './list-query';
import { useInstMessages } from './messages';
import { formatMemory, TRANSITIONAL } from './vm';
import { vmActions } from './vm-actions';
import { VmVolumes } from './VmVolumes';
import { VmEvents } from './VmEvents';
import { VmNics } from '../networks/VmNics';
import { MigrateDialog, ScaleDialog } from './VmDialogs';
import { ConsoleButton, ConsoleSlot } from '../consoles/entry';
import { UsageGraphs } from '../metrics/UsageGraphs';
import { usePrefetchUsage } from '../metrics/use-usage-history';
import { When } from '../../components/kit/When';
import { VmSchedules } from '../schedules/VmSchedules';
import { VmSnapshots } from '../vm-images/VmSnapshots';
import { VmImageActions } from '../vm-images/VmImageActions';
import { TagsCard } from '../tags/TagsCard';
import { ChangeAffinityButton } from './VmAffinity';
import { affinityTypeLabel } from './GroupsStep';

const POLL_MS = 1500;


export function InstanceDetail({ id }: { id: string }) {
  const m = useInstMessages();
  const { client, identity } = useCloud();
  const qc = useQueryClient();
  const admin = identity.accountType !== 0;
  const canHosts = useCan('listHosts');
  const canMigrateCmd = useCan('migrateVirtualMachine');
  const canFindHosts = useCan('findHostsForMigration');
  const canMigrate = canMigrateCmd && canFindHosts;
  const canChange = useCan('changeServiceForVirtualMachine');
  const canScaleLive = useCan('scaleVirtualMachine');
  const canHistory = useCan('listVirtualMachinesUsageHistory');
  const canNetworks = useCan('listNetworks');
  const canSchedules = useCan('listVMSchedule');
  const canVmSnapshots = useCan('listVMSnapshot');
  const canGroups = useCan('listInstanceGroups');
  const canAffinity = useCan('listAffinityGroups');
  usePrefetchUsage('vm', id, canHistory);
  const [dialog, setDialog] = useState<'migrate' | 'scale' | null>(null);
  const [consoleOpen, setConsoleOpen] = useState(false);
  const [poll, setPoll] = useState(false);
  const localJobs = useJobsStore((s) => s.jobs.some((j) => j.status === 'running' && j.connectionId === client.connectionId));

  const vmq = useList('listVirtualMachines', { id, listall: true }, { refetchMs: poll ? POLL_MS : undefined });
  const vm = vmq.data?.items.find((v) => v.id === id);
  const busy = localJobs || !!vm?.jobid || (!!vm && TRANSITIONAL.has(vm.state));
  // Polls while the VM is busy; follows `busy` while rendering (it comes from this query's own answer).
  if (poll !== busy) setPoll(busy);
  const host = useList('listHosts', { id: vm?.hostid }, { enabled: canHosts && !!vm?.hostid });
  const h = host.data?.items[0];
  const actions = useMemo(() => vmActions(m, admin), [m, admin]);
  const refresh = () => qc.invalidateQueries({ queryKey: [client.connectionId] });
  const back = <a href={hrefOf(['instances'], lastListQuery())}>← {m.instances}</a>;

  if (!vm) {
    return (
      <DetailPage name={m.instance} back={back}>
        {vmq.error ? <div className="error" role="alert">{vmq.error.message}</div>
          : vmq.isFetching || !vmq.isFetched ? <p className="muted">{m.loading}</p> : <p>{m.notFound}</p>}
      </DetailPage>
    );
  }

  const scaleLive = vm.state === 'Running' && !!vm.isdynamicallyscalable && canScaleLive;
  const scaleStopped = vm.state === 'Stopped' && canChange;
  const ips = (vm.nic ?? []).flatMap((n) => [n.ipaddress, n.ip6address]).filter(Boolean).join(', ');
  const title = vm.displayname || vm.name;

  return (
    <DetailPage name={title} states={[vm.state]} back={back}
      status={busy && <span className="muted inst-busy" role="status">{m.working}</span>}
      subtitle={title !== vm.name ? vm.name : undefined}
      actions={<>
        <button onClick={refresh}>{m.refresh}</button>
        <ConsoleButton vm={vm} open={consoleOpen} onOpen={() => setConsoleOpen(true)} />
        <ActionBar actions={actions} rows={[vm]} nameOf={(v) => v.name} onDone={refresh} />
        {canMigrate && vm.state === 'Running' && <button onClick={() => setDialog('migrate')}>{m.migrate}</button>}
        {(scaleLive || scaleStopped) && <button onClick={() => setDialog('scale')}>{m.scale}</button>}
        <VmImageActions vm={vm} />
        <ChangeAffinityButton vm={vm} />
      </>}
      tabsLabel={m.instance}
      tabs={[
        { id: 'details', label: m.properties, render: () => (<>
          <Card>
            <Properties rows={[
              [m.id, <code key="id">{vm.id}</code>],
              [m.name, vm.name],
              [m.displayName, vm.displayname],
              ...(admin && vm.instancename ? [[m.instanceName, vm.instancename] as [string, string]] : []),
              [m.state, <StateBadge key="s" state={vm.state} />],
              [m.ha, vm.haenable ? <span key="ha"><span className="badge tone-ha">{m.haBadge}</span> {m.haOn}</span> : m.haOff],
              ...(canHosts ? [[m.host, vm.hostname ?? <span key="h" className="muted">{m.noHost}</span>] as [string, ReactNode]] : []),
              [m.zone, vm.zonename],
              ...(canHosts && h ? [[m.podCluster, `${h.podname ?? '—'} / ${h.clustername ?? '—'}`] as [string, string]] : []),
              [m.hypervisor, vm.hypervisor],
              [vm.isoid && !vm.templatename ? m.iso : m.template, vm.templatename ?? vm.isoname],
              [m.os, vm.osdisplayname],
              [m.offering, vm.serviceofferingname],
              [m.cpu, `${vm.cpunumber ?? '?'} × ${vm.cpuspeed ?? '?'} MHz`],
              [m.memory, formatMemory(vm.memory)],
              [m.accountDomain, `${vm.account ?? '—'} / ${vm.domain ?? '—'}`],
              [m.created, <When value={vm.created} />],
              [m.ips, ips || <span key="ip" className="muted">{m.noIps}</span>],
              ...(vm.group || canGroups ? [[m.instanceGroup, vm.group
                ? <a key="g" className="kit-link" href={hrefOf(['instances'], { groupid: vm.groupid ?? '' })}>{vm.group}</a>
                : <span key="g" className="muted">{m.noGroup}</span>] as [string, ReactNode]] : []),
              ...(canAffinity ? [[m.affinityGroups, vm.affinitygroup?.length
                // The short type beside each name; the full wording in its tooltip (the column is narrow).
                ? <span key="a">{vm.affinitygroup.map((g, i) => (
                  <span key={g.id} title={affinityTypeLabel(m, g.type ?? '')}>{i > 0 && ', '}{g.name} <span className="muted">
                    ({g.type === 'host anti-affinity' ? m.antiShort : g.type === 'host affinity' ? m.affinityShort : g.type})</span></span>
                ))}</span>
                : <span key="a" className="muted">{m.none}</span>] as [string, ReactNode]] : []),
            ]} />
          </Card>
          <TagsCard resourceType="UserVm" resourceId={vm.id} name={vm.name} tags={vm.tags} />
          {canHistory && <UsageGraphs kind="vm" id={vm.id} />}
        </>) },
        { id: 'volumes', label: m.volumes, render: () => <VmVolumes vm={vm} poll={busy} /> },
        ...(canNetworks ? [{ id: 'nics', label: m.nics, render: () => <VmNics vm={vm} /> }] : []),
        ...(canVmSnapshots ? [{ id: 'vmsnapshots', label: m.vmSnapshots, render: () => <VmSnapshots vm={vm} poll={busy} /> }] : []),
        ...(canSchedules ? [{ id: 'schedules', label: m.schedules, render: () => <VmSchedules vm={vm} /> }] : []),
        { id: 'events', label: m.events, render: () => <VmEvents vm={vm} poll={busy} /> },
      ]}>
      {consoleOpen && <ConsoleSlot vm={vm} onClose={() => setConsoleOpen(false)} />}
      {dialog === 'migrate' && <MigrateDialog vm={vm} onClose={() => setDialog(null)} />}
      {dialog === 'scale' && <ScaleDialog vm={vm} live={scaleLive} onClose={() => setDialog(null)} />}
    </DetailPage>
  );
}
