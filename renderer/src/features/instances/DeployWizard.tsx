// The deploy wizard: zone -> template or ISO -> compute offering -> disk -> network -> groups -> name -> review, as CloudStack's. The
// deploy runs as a tracked job (the jobs panel shows it); when it finishes, the new VM's page opens. Closing the
// dialog while it runs lets the job go on in the background.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useAction, useList } from '../../api/hooks';
import type { Params } from '../../api/cloud-client';
import { Dialog } from '../../components/Dialog';
import { Field, Properties } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { useRoute } from '../../state/route-store';
import { useInstMessages } from './messages';
import { computeSummary, formatBytes, validHostName } from './vm';
import { Choices } from './Choices';
import { NetworkStep, fixedIpError, networkParams, useNetworkSummary, type NetChoice } from '../networks/DeployNetworks';
import { useNetMessages } from '../networks/messages';
import { useCan } from '../../app/client-context';
import type { AffinityGroup, DiskOffering, ServiceOffering, Template, Zone } from '../../../../core/contract/responses';
import { GroupsStep } from './GroupsStep';

type Image = Template;
type Offering = ServiceOffering;

type Step = 'zone' | 'image' | 'offering' | 'disk' | 'network' | 'groups' | 'name' | 'review';
const ALL_STEPS: Step[] = ['zone', 'image', 'offering', 'disk', 'network', 'groups', 'name', 'review'];
const positive = (s: string) => /^\d+$/.test(s) && Number(s) > 0;

export default function DeployWizard({ onClose }: { onClose(): void }) {
  const m = useInstMessages();
  const nm = useNetMessages();
  const networkSummary = useNetworkSummary();
  // The network step only where the caller can list networks (a remote cloud without them deploys as before).
  const canNetworks = useCan('listNetworks');
  // The groups step where the server has groups (a remote cloud without them deploys as before).
  const canInstanceGroups = useCan('listInstanceGroups');
  const canAffinityGroups = useCan('listAffinityGroups');
  const canGroups = canInstanceGroups && canAffinityGroups;
  const STEPS = ALL_STEPS.filter((s) => (s !== 'network' || canNetworks) && (s !== 'groups' || canGroups));
  const run = useAction();
  const navigate = useRoute((s) => s.navigate);
  const [step, setStep] = useState<Step>('zone');
  const [zoneChoice, setZone] = useState<Zone>();
  const [source, setSource] = useState<'template' | 'iso'>('template');
  const [keyword, setKeyword] = useState('');
  const [image, setImage] = useState<Image>();
  const [hypervisorChoice, setHypervisor] = useState('');
  const [offering, setOffering] = useState<Offering>();
  const [custom, setCustom] = useState({ cpuNumber: '1', cpuSpeed: '1000', memory: '1024' });
  const [disk, setDisk] = useState<DiskOffering | null>(null);
  const [diskSize, setDiskSize] = useState('20');
  const [nets, setNets] = useState<NetChoice[]>([]);
  const [group, setGroup] = useState('');
  const [affinity, setAffinity] = useState<AffinityGroup[]>([]);
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);

  const zones = useList('listZones', { available: true });
  // One zone: nothing to choose.
  const zoneItems = zones.data?.items;
  const zone = zoneChoice ?? (zoneItems?.length === 1 ? zoneItems[0] : undefined);
  const zoneid = zone?.id;
  const images = useList(source === 'template' ? 'listTemplates' : 'listIsos',
    source === 'template'
      ? { templatefilter: 'executable', zoneid, keyword: keyword || undefined, page: 1, pagesize: 50 }
      : { isofilter: 'executable', bootable: true, zoneid, keyword: keyword || undefined, page: 1, pagesize: 50 },
    { enabled: !!zoneid && step === 'image' });
  const hypervisors = useList('listHypervisors', { zoneid }, { enabled: !!zoneid && source === 'iso' });
  const offerings = useList('listServiceOfferings', { zoneid, page: 1, pagesize: 100 }, { enabled: !!zoneid });
  const disks = useList('listDiskOfferings', { zoneid, page: 1, pagesize: 100 }, { enabled: !!zoneid });

  // An ISO boots on the zone's first hypervisor until the operator picks another.
  const hvItems = hypervisors.data?.items;
  const hypervisor = hypervisorChoice || (source === 'iso' && hvItems?.length ? hvItems[0].name : '');

  const valid: Record<Step, boolean> = {
    zone: !!zone,
    image: !!image && (source === 'template' || !!hypervisor),
    offering: !!offering && (!offering.iscustomized || (positive(custom.cpuNumber) && positive(custom.cpuSpeed) && positive(custom.memory))),
    // An ISO has no root disk of its own: the disk offering becomes the root disk.
    disk: (source === 'template' || !!disk) && (!disk?.iscustomized || positive(diskSize)),
    network: nets.every((c) => !fixedIpError(c, nm)),
    groups: true,
    name: name === '' || validHostName(name),
    review: true,
  };
  const at = STEPS.indexOf(step);
  const reachable = (s: Step) => STEPS.slice(0, STEPS.indexOf(s)).every((x) => valid[x]);

  const params = (): Params => {
    const p: Params = { zoneid: zone!.id, templateid: image!.id, serviceofferingid: offering!.id, name: name || undefined, displayname: displayName || undefined, ...networkParams(nets) };
    if (source === 'iso') p.hypervisor = hypervisor;
    if (group.trim()) p.group = group.trim();
    if (affinity.length) p.affinitygroupids = affinity.map((a) => a.id).join(',');
    if (disk) { p.diskofferingid = disk.id; if (disk.iscustomized) p.size = Number(diskSize); }
    if (offering!.iscustomized) {
      p['details[0].cpuNumber'] = Number(custom.cpuNumber);
      p['details[0].cpuSpeed'] = Number(custom.cpuSpeed);
      p['details[0].memory'] = Number(custom.memory);
    }
    return p;
  };

  const deploy = async () => {
    setBusy(true);
    setError('');
    try {
      const r = await run('deployVirtualMachine', params(), fmt(m.jobDeploy, { name: name || m.newVm }));
      const id = r?.virtualmachine?.id as string | undefined;
      if (!alive.current) return;
      onClose();
      if (id) navigate(['instances', id]);
    } catch (e) {
      if (!alive.current) return;
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  const pickSource = (s: 'template' | 'iso') => { setSource(s); setImage(undefined); setKeyword(''); if (s === 'template') setDisk(null); };
  const stepTitle: Record<Step, string> = { zone: m.stepZone, image: m.stepImage, offering: m.stepOffering, disk: m.stepDisk, network: nm.stepNetwork, groups: m.stepGroups, name: m.stepName, review: m.stepReview };

  const body: Record<Step, () => ReactNode> = {
    zone: () => (
      <Choices<Zone> label={m.zone} items={zones.data?.items} value={zone?.id} empty={m.noZones}
        onPick={(z) => { if (z.id !== zone?.id) { setZone(z); setImage(undefined); setOffering(undefined); setDisk(null); setNets([]); } }}
        render={(z) => <><strong>{z.name}</strong>{z.allocationstate === 'Disabled' && <span className="muted"> · {m.disabled}</span>}</>} />
    ),
    image: () => (
      <>
        <div className="wiz-row">
          <div className="segmented" role="group" aria-label={m.source}>
            <button type="button" aria-pressed={source === 'template'} onClick={() => pickSource('template')}>{m.templates}</button>
            <button type="button" aria-pressed={source === 'iso'} onClick={() => pickSource('iso')}>{m.isos}</button>
          </div>
          <input type="search" aria-label={m.searchImages} placeholder={m.searchImages} value={keyword} onChange={(e) => setKeyword(e.target.value)} />
        </div>
        {images.error && <div className="error" role="alert">{images.error.message}</div>}
        <Choices<Image> label={source === 'template' ? m.template : m.iso} items={images.data?.items} value={image?.id} empty={source === 'template' ? m.noTemplates : m.noIsos}
          onPick={setImage} render={(t) => (
            <><strong>{t.name}</strong> <span className="muted">{[t.displaytext !== t.name && t.displaytext, t.ostypename, t.hypervisor, t.size ? formatBytes(t.size) : ''].filter(Boolean).join(' · ')}</span>
              {t.isready === false && <span className="badge tone-busy">{m.notReady}</span>}</>
          )} />
        {(images.data?.count ?? 0) > (images.data?.items.length ?? 0) && <p className="muted">{fmt(m.moreMatches, { shown: images.data!.items.length, count: images.data!.count })}</p>}
        {source === 'iso' && (
          <Field label={m.hypervisor}>
            <select value={hypervisor} onChange={(e) => setHypervisor(e.target.value)}>
              {hvItems?.map((h) => <option key={h.name} value={h.name}>{h.name}</option>)}
            </select>
          </Field>
        )}
      </>
    ),
    offering: () => (
      <>
        <Choices<Offering> label={m.offering} items={offerings.data?.items} value={offering?.id} empty={m.noOfferings} onPick={setOffering}
          render={(o) => <><strong>{o.name}</strong> <span className="muted">{o.iscustomized ? m.customized : computeSummary(o)}</span></>} />
        {offering?.iscustomized && (
          <div className="wiz-row">
            <Field label={m.cpuNumber}><input inputMode="numeric" value={custom.cpuNumber} onChange={(e) => setCustom({ ...custom, cpuNumber: e.target.value })} /></Field>
            <Field label={m.cpuSpeed}><input inputMode="numeric" value={custom.cpuSpeed} onChange={(e) => setCustom({ ...custom, cpuSpeed: e.target.value })} /></Field>
            <Field label={m.memoryMb}><input inputMode="numeric" value={custom.memory} onChange={(e) => setCustom({ ...custom, memory: e.target.value })} /></Field>
          </div>
        )}
      </>
    ),
    disk: () => (
      <>
        <p className="muted">{source === 'iso' ? m.diskForIso : m.diskOptional}</p>
        <Choices<DiskOffering> label={m.diskOffering} empty={m.noDiskOfferings} value={disk?.id ?? 'none'} onPick={(d) => setDisk(d.id === 'none' ? null : d)}
          items={[...(source === 'template' ? [{ id: 'none', name: m.noDataDisk }] : []), ...(disks.data?.items ?? [])]}
          render={(d) => <><strong>{d.name}</strong> <span className="muted">{d.id === 'none' ? '' : d.iscustomized ? m.customSize : `${d.disksize} GB`}</span></>} />
        {disk?.iscustomized && <Field label={m.sizeGb}><input inputMode="numeric" value={diskSize} onChange={(e) => setDiskSize(e.target.value)} /></Field>}
      </>
    ),
    network: () => <NetworkStep zoneid={zoneid} chosen={nets} onChange={setNets} />,
    groups: () => <GroupsStep group={group} onGroup={setGroup} affinity={affinity} onAffinity={setAffinity} />,
    name: () => (
      <>
        {/* The hint sits outside the label so the input's accessible name stays just "Name". */}
        <Field label={m.name}>
          <input value={name} maxLength={63} autoFocus onChange={(e) => setName(e.target.value)} aria-invalid={!!name && !validHostName(name)} aria-describedby="deploy-name-hint" />
        </Field>
        <p id="deploy-name-hint" className={`field-hint wiz-hint${name && !validHostName(name) ? ' bad-text' : ''}`}>{name && !validHostName(name) ? m.nameInvalid : m.nameHint}</p>
        <Field label={m.displayName}><input value={displayName} onChange={(e) => setDisplayName(e.target.value)} /></Field>
      </>
    ),
    review: () => (
      <>
        <Properties rows={[
          [m.zone, zone?.name],
          [source === 'template' ? m.template : m.iso, image?.name],
          ...(source === 'iso' ? [[m.hypervisor, hypervisor] as [string, string]] : []),
          [m.offering, offering && `${offering.name} · ${offering.iscustomized ? computeSummary({ cpunumber: +custom.cpuNumber, cpuspeed: +custom.cpuSpeed, memory: +custom.memory }) : computeSummary(offering)}`],
          [m.diskOffering, disk ? `${disk.name}${disk.iscustomized ? ` · ${diskSize} GB` : ''}` : m.noDataDisk],
          ...(STEPS.includes('network') ? [[nm.stepNetwork, networkSummary(nets)] as [string, string]] : []),
          ...(STEPS.includes('groups') ? [
            [m.instanceGroup, group.trim() || <span className="muted">{m.noGroup}</span>] as [string, ReactNode],
            [m.affinityGroups, affinity.length ? affinity.map((a) => a.name).join(', ') : <span className="muted">{m.none}</span>] as [string, ReactNode],
          ] : []),
          [m.name, name || <span className="muted">{m.autoName}</span>],
          [m.displayName, displayName || <span className="muted">{m.sameAsName}</span>],
        ]} />
        {busy && <p className="muted" role="status">{m.deployingNote}</p>}
        {error && <div className="error" role="alert">{fmt(m.deployFailed, { text: error })}</div>}
      </>
    ),
  };

  return (
    <Dialog open wide title={m.deployTitle} onClose={onClose} footer={<>
      <button type="button" onClick={onClose}>{busy ? m.runInBackground : m.cancel}</button>
      <button type="button" disabled={at === 0 || busy} onClick={() => setStep(STEPS[at - 1])}>{m.back}</button>
      {step === 'review'
        ? <button type="button" className="primary" disabled={busy || !STEPS.every((s) => valid[s])} onClick={deploy}>{busy ? m.deploying : m.deploy}</button>
        : <button type="button" className="primary" disabled={!valid[step]} onClick={() => setStep(STEPS[at + 1])}>{m.next}</button>}
    </>}>
      <ol className="wiz-steps" aria-label={m.steps}>
        {STEPS.map((s, i) => (
          <li key={s} className={s === step ? 'on' : i < at ? 'done' : ''}>
            <button type="button" className="ghost" aria-current={s === step ? 'step' : undefined} disabled={busy || !reachable(s)} onClick={() => setStep(s)}>
              {i + 1}. {stepTitle[s]}
            </button>
          </li>
        ))}
      </ol>
      <h3 className="wiz-title">{stepTitle[step]}</h3>
      {body[step]()}
    </Dialog>
  );
}
