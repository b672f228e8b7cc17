// The review page: every value the launch will send, grouped by step, each group with an Edit button.
import type { ReactNode } from 'react';
import { useWizardStore, FORM_STEPS, type FormStep } from './wizard-model';
import type { WizardMessages } from './wizard-messages';
import { useInfraMessages } from '../messages';

export function Review({ m, onEdit }: { m: WizardMessages; onEdit(step: FormStep): void }) {
  const f = useWizardStore((s) => s.forms);
  const created = useWizardStore((s) => s.created);
  const launching = useWizardStore((s) => s.launching);
  const im = useInfraMessages();
  const rows: Record<FormStep, [string, ReactNode][]> = {
    zone: [[m.zoneName, f.zone.name], [m.networkType, f.zone.networktype === 'Advanced' ? m.advanced : m.basic], [m.dns1, f.zone.dns1],
      [m.dns2, f.zone.dns2 || '—'], [m.internalDns1, f.zone.internaldns1],
      ...(f.zone.networktype === 'Advanced' ? [[m.guestCidr, f.zone.guestcidraddress || '—'] as [string, string]] : [])],
    network: [[m.physicalName, f.network.name],
      [m.trafficTypes, ['Guest', ...(f.zone.networktype === 'Advanced' ? ['Public'] : []), ...(f.network.management ? ['Management'] : []), ...(f.network.storage ? ['Storage'] : [])].join(', ')],
      ...(f.zone.networktype === 'Advanced' ? [[m.isolation, f.network.isolation] as [string, string],
        [f.network.isolation === 'VXLAN' ? m.guestVni : m.guestVlan, f.network.guestVlan || '—'] as [string, string],
        [m.publicRange, `${f.network.publicStart} – ${f.network.publicEnd} (${f.network.publicGateway}/${f.network.publicNetmask}, ${f.network.publicVlan || 'untagged'})`] as [string, string]] : [])],
    pod: [[m.podName, f.pod.name], [m.gateway, f.pod.gateway], [m.netmask, f.pod.netmask], [m.startIp, f.pod.startip], [m.endIp, f.pod.endip]],
    cluster: [[m.clusterName, f.cluster.name], [m.hypervisor, f.cluster.hypervisor]],
    host: [[im.hostUrl, f.host.url], [im.username, f.host.username || '—'], [im.password, f.host.password ? '••••••' : '—'], [im.hostTags, f.host.hosttags || '—']],
    primary: [[im.primaryName, f.primary.name], [im.primaryUrl, f.primary.url], [im.scope, f.primary.scope === 'ZONE' ? im.scopeZone : im.scopeCluster],
      [im.storageTags, f.primary.tags || '—']],
    secondary: [[im.secondaryUrl, f.secondary.url], [im.secondaryName, f.secondary.name || '—']],
  };
  return (
    <>
      <p className="muted">{m.reviewIntro}</p>
      <div className="wiz-review">
        {FORM_STEPS.map((st) => (
          <section key={st} aria-label={m[st]}>
            <header>
              <h3>{m[st]}{created[st] ? ' ✓' : ''}</h3>
              <button type="button" className="ghost" onClick={() => onEdit(st)} disabled={launching} aria-label={`${m.edit} ${m[st]}`}>{m.edit}</button>
            </header>
            <dl>{rows[st].map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
          </section>
        ))}
      </div>
    </>
  );
}
