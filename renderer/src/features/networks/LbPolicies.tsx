// Editing a load balancer rule in the console: its name, algorithm and description (updateLoadBalancerRule), and
// its stickiness and health check policies (one of each per rule, as CloudStack keeps them: add or delete).
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { ActionBar, type Action } from '../../components/actions';
import { StateBadge } from '../../components/StateBadge';
import { FormDialog } from '../../components/kit/FormDialog';
import { argsOf, useRun } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { SelectField, TextField } from '../infrastructure/form';
import { useEdgeMessages } from './edge-messages';
import { healthArgs, healthErrors, emptyHealth, type HealthForm } from './lb-policy-form';
import type { LoadBalancerRule } from './types';

type Algorithm = 'roundrobin' | 'leastconn' | 'source';
type Method = 'SourceBased' | 'LbCookie' | 'AppCookie';

export function LbEditDialog({ rule, onClose }: { rule: LoadBalancerRule; onClose(): void }) {
  const m = useEdgeMessages();
  const run = useRun();
  const [f, setF] = useState({ name: rule.name, algorithm: rule.algorithm as Algorithm, description: rule.description ?? '' });
  const [tried, setTried] = useState(false);
  const nameError = f.name.trim() ? undefined : m.required;
  return (
    <FormDialog title={fmt(m.editLbTitle, { name: rule.name })} submitLabel={m.save} onClose={onClose} noValidate
      onSubmit={async () => {
        setTried(true);
        if (nameError) return 'keep';
        await run('updateLoadBalancerRule', { id: rule.id, name: f.name.trim(), algorithm: f.algorithm, description: f.description.trim() || undefined },
          fmt(m.jobUpdateLb, { name: f.name.trim() }));
      }}>
      <TextField label={m.name} value={f.name} onChange={(v) => setF({ ...f, name: v })} error={tried ? nameError : undefined} required autoFocus maxLength={255} />
      <SelectField label={m.algorithm} value={f.algorithm} onChange={(v) => setF({ ...f, algorithm: v as Algorithm })}
        options={[['roundrobin', m.roundrobin], ['leastconn', m.leastconn], ['source', m.source]]} />
      <TextField label={m.description} value={f.description} onChange={(v) => setF({ ...f, description: v })} maxLength={4096} />
    </FormDialog>
  );
}

function StickinessDialog({ rule, onClose }: { rule: LoadBalancerRule; onClose(): void }) {
  const m = useEdgeMessages();
  const run = useRun();
  const [f, setF] = useState({ name: '', method: 'SourceBased' as Method });
  const [tried, setTried] = useState(false);
  const nameError = f.name.trim() ? undefined : m.required;
  return (
    <FormDialog title={fmt(m.addStickinessTitle, { name: rule.name })} submitLabel={m.addStickiness} onClose={onClose} noValidate
      onSubmit={async () => {
        setTried(true);
        if (nameError) return 'keep';
        await run('createLBStickinessPolicy', { lbruleid: rule.id, name: f.name.trim(), methodname: f.method },
          fmt(m.jobAddStickiness, { method: f.method, name: rule.name }));
      }}>
      <TextField label={m.name} value={f.name} onChange={(v) => setF({ ...f, name: v })} error={tried ? nameError : undefined} required autoFocus />
      <SelectField label={m.method} value={f.method} onChange={(v) => setF({ ...f, method: v as Method })}
        options={[['SourceBased', m.sourceBased], ['LbCookie', m.lbCookie], ['AppCookie', m.appCookie]]} />
    </FormDialog>
  );
}

function HealthCheckDialog({ rule, onClose }: { rule: LoadBalancerRule; onClose(): void }) {
  const m = useEdgeMessages();
  const run = useRun();
  const [f, setF] = useState<HealthForm>(emptyHealth);
  const [tried, setTried] = useState(false);
  const errors = healthErrors(f, m);
  const shown = tried ? errors : {};
  const field = (k: keyof HealthForm, label: string, hint?: string) => (
    <TextField label={label} value={f[k]} onChange={(v) => setF({ ...f, [k]: v })} error={shown[k]} hint={hint} inputMode={k === 'pingpath' ? undefined : 'numeric'} />
  );
  return (
    <FormDialog title={fmt(m.addHealthTitle, { name: rule.name })} submitLabel={m.addHealthCheck} onClose={onClose} wide noValidate
      onSubmit={async () => {
        setTried(true);
        if (Object.keys(errors).length) return 'keep';
        await run('createLBHealthCheckPolicy', { lbruleid: rule.id, ...healthArgs(f) }, fmt(m.jobAddHealth, { name: rule.name }));
      }}>
      {field('pingpath', m.pingPath, m.pingPathHint)}
      <div className="infra-row">{field('intervaltime', m.interval)}{field('responsetimeout', m.responseTimeout)}</div>
      <div className="infra-row">{field('healthythreshold', m.healthyThreshold)}{field('unhealthythreshold', m.unhealthyThreshold)}</div>
    </FormDialog>
  );
}

/** The rule's two policies, each with its delete, or a button to add it. */
export function LbPolicies({ rule }: { rule: LoadBalancerRule }) {
  const m = useEdgeMessages();
  const sticky = useList('listLBStickinessPolicies', { lbruleid: rule.id });
  const health = useList('listLBHealthCheckPolicies', { lbruleid: rule.id });
  const s = sticky.data?.items[0]?.stickinesspolicy?.[0];
  const h = health.data?.items[0]?.healthcheckpolicy?.[0];
  const [open, setOpen] = useState<'sticky' | 'health' | null>(null);
  const canSticky = useCan('createLBStickinessPolicy');
  const canHealth = useCan('createLBHealthCheckPolicy');
  type P = { id: string; state?: string };
  const del = (command: 'deleteLBStickinessPolicy' | 'deleteLBHealthCheckPolicy', job: string): Action<P> => ({
    id: command, command, label: m.delete, danger: true, confirm: true, when: (x) => x.state !== 'Revoke',
    params: (x) => argsOf(command, { id: x.id }), describe: () => fmt(job, { name: rule.name }),
  });
  return (
    <div className="edge-lb-policies">
      <span className="muted">{m.stickiness}</span>
      <div role="group" aria-label={m.stickiness}>
        {s ? (<>
          <span>{`${s.name ?? ''} · ${s.methodname ?? ''}`}</span> <StateBadge state={s.state} />
          <ActionBar actions={[del('deleteLBStickinessPolicy', m.jobDeleteStickiness)]} rows={[s as P]} nameOf={() => s.name ?? ''} />
        </>) : (<>
          <span className="muted">{sticky.isFetched ? m.noStickiness : m.loading}</span>
          {canSticky && sticky.isFetched && <button type="button" onClick={() => setOpen('sticky')}>{m.addStickiness}</button>}
        </>)}
      </div>
      <span className="muted">{m.healthCheck}</span>
      <div role="group" aria-label={m.healthCheck}>
        {h ? (<>
          <span>{fmt(m.healthSummary, { path: h.pingpath || 'TCP', interval: h.healthcheckinterval ?? '', up: h.healthcheckthresshold ?? '',
            down: h.unhealthcheckthresshold ?? '' })}</span> <StateBadge state={h.state} />
          <ActionBar actions={[del('deleteLBHealthCheckPolicy', m.jobDeleteHealth)]} rows={[h as P]} nameOf={() => m.healthCheck} />
        </>) : (<>
          <span className="muted">{health.isFetched ? m.noHealthCheck : m.loading}</span>
          {canHealth && health.isFetched && <button type="button" onClick={() => setOpen('health')}>{m.addHealthCheck}</button>}
        </>)}
      </div>
      {open === 'sticky' && <StickinessDialog rule={rule} onClose={() => setOpen(null)} />}
      {open === 'health' && <HealthCheckDialog rule={rule} onClose={() => setOpen(null)} />}
    </div>
  );
}
