// The guided zone wizard (#/infrastructure/zones/wizard), like CloudStack's: Zone -> Network -> Pod -> Cluster -> Host ->
// Primary storage -> Secondary storage -> Review -> Launch. The launch runs the calls in order and shows each
// one's progress; on an error it stops, keeps what was created, and resumes from the failed step.
import { useAction } from '../../../api/hooks';
import { useCan } from '../../../app/client-context';
import { Page } from '../../../components/Page';
import { fmt } from '../../../i18n/messages';
import { useRoute } from '../../../state/route-store';
import { FORM_STEPS, stepErrors, useWizardStore, type FormStep, type Step } from './wizard-model';
import { launchZone } from './wizard-run';
import { useWizardMessages, type WizardMessages } from './wizard-messages';
import { StepForm } from './WizardSteps';
import { Review } from './Review';
import { useInfraMessages } from '../messages';

const STEPS: Step[] = [...FORM_STEPS, 'review'];

export function ZoneWizard() {
  const m = useWizardMessages();
  const im = useInfraMessages();
  const s = useWizardStore();
  const navigate = useRoute((st) => st.navigate);
  const run = useAction();
  const canEnable = useCan('updateZone');
  const index = STEPS.indexOf(s.step);
  const errorsOf = (step: FormStep) => stepErrors(step, s.forms, im);
  const launched = Object.keys(s.status).length > 0;
  const failed = FORM_STEPS.find((st) => s.status[st]?.state === 'failed');
  const allDone = FORM_STEPS.every((st) => s.created[st]);

  // A step can be opened directly once every page before it is valid (e.g. back to review after a fix).
  const reachable = (i: number) => i <= index || FORM_STEPS.slice(0, i).every((st) => !Object.keys(errorsOf(st)).length);
  const next = () => {
    if (s.step === 'review') return;
    s.touch(s.step);
    if (Object.keys(errorsOf(s.step)).length) return;
    s.go(STEPS[index + 1]);
  };
  const labels: Record<FormStep, string> = {
    zone: `${m.createZone}: ${s.forms.zone.name}`, network: `${m.createNetwork}: ${s.forms.network.name}`, pod: `${m.createPod}: ${s.forms.pod.name}`, cluster: `${m.addCluster}: ${s.forms.cluster.name}`,
    host: `${m.addHost}: ${s.forms.host.url}`, primary: `${m.addPrimary}: ${s.forms.primary.name}`, secondary: `${m.addSecondary}: ${s.forms.secondary.url}`,
  };
  const launch = async () => {
    // Every page must be valid first; show the first one that is not.
    const bad = FORM_STEPS.find((st) => !s.created[st] && Object.keys(errorsOf(st)).length);
    if (bad) { s.touch(bad); s.go(bad); return; }
    const st = useWizardStore.getState();
    for (const x of FORM_STEPS) if (!st.created[x]) st.setStatus(x, { state: 'pending' });
    st.set({ launching: true });
    await launchZone(st.forms, st.created, run, labels, { status: st.setStatus, created: st.setCreated });
    useWizardStore.getState().set({ launching: false });
  };
  const enable = async () => {
    s.set({ enabled: 'running' });
    try {
      await run('updateZone', { id: s.created.zone!, allocationstate: 'Enabled' }, `${m.enableZone}: ${s.forms.zone.name}`);
      useWizardStore.getState().set({ enabled: 'done' });
    } catch (e) {
      useWizardStore.getState().set({ enabled: { error: e instanceof Error ? e.message : String(e) } });
    }
  };
  const leave = (path: string[], query: Record<string, string> = {}) => { s.reset(); navigate(path, query); };

  return (
    <Page title={m.title} subtitle={m.subtitle}
      toolbar={<button onClick={() => leave(['infrastructure', 'zones'])} disabled={s.launching}>{allDone ? m.openZones : m.cancel}</button>}>
      <ol className="wiz-steps" aria-label={m.steps}>
        {STEPS.map((st, i) => {
          const status = st === 'review' ? undefined : s.status[st]?.state;
          const mark = status === 'done' ? '✓' : status === 'failed' ? '✕' : String(i + 1);
          return (
            <li key={st} className={`${st === s.step ? 'current' : ''} ${status ?? (i < index ? 'visited' : '')}`} aria-current={st === s.step ? 'step' : undefined}>
              <button type="button" className="ghost" disabled={s.launching || !reachable(i)} onClick={() => s.go(st)}>
                <span className="wiz-num" aria-hidden>{mark}</span>{m[st]}
              </button>
            </li>
          );
        })}
      </ol>
      <div className="card wiz-card">
        <form className="card-body infra-form wiz-body" noValidate onSubmit={(e) => { e.preventDefault(); if (s.step === 'review') { if (!launched || failed) void launch(); } else next(); }}>
          <h2>{m[s.step]}</h2>
          {s.step === 'review' && launched && <LaunchProgress m={m} onEdit={(st) => s.go(st)} onRetry={launch} />}
          {s.step === 'review' && allDone && (
            <div className="wiz-done" role="status">
              {s.enabled === 'done' ? <p className="ok-text">{fmt(m.zoneEnabled, { name: s.forms.zone.name })}</p>
                : <p>{fmt(m.allDone, { name: s.forms.zone.name })}</p>}
              {s.enabled === 'done' ? null
                : canEnable && <button type="button" className="primary" disabled={s.enabled === 'running'} onClick={enable}>{s.enabled === 'running' ? m.enabling : m.enableZone}</button>}
              {typeof s.enabled === 'object' && <div className="error" role="alert">{fmt(m.enableFailed, { text: s.enabled.error })}</div>}
              <div className="wiz-nav">
                <button type="button" onClick={() => leave(['infrastructure', 'zones'])}>{m.openZones}</button>
                <button type="button" onClick={() => leave(['topology'])}>{m.openTopology}</button>
                <button type="button" onClick={() => s.reset()}>{m.startOver}</button>
              </div>
            </div>
          )}
          {s.step === 'review' && launched && (
            <details className="wiz-values"><summary>{m.values}</summary><Review m={m} onEdit={(st) => s.go(st)} /></details>
          )}
          {s.step === 'review' && !launched && <Review m={m} onEdit={(st) => s.go(st)} />}
          {s.step !== 'review' && <StepForm key={s.step} step={s.step} m={m} locked={!!s.created[s.step] || s.launching}
                errors={s.touched.has(s.step) ? errorsOf(s.step) : {}} />}
          {s.step !== 'review' && s.created[s.step] && <p className="muted">{m.locked}</p>}
          {s.step !== 'review' && s.touched.has(s.step) && Object.keys(errorsOf(s.step)).length > 0 && <p className="field-error" role="alert">{m.fixFirst}</p>}
          {!allDone && (
            <div className="wiz-nav">
              <button type="button" onClick={() => s.go(STEPS[index - 1])} disabled={index === 0 || s.launching}>{m.back}</button>
              <span className="spacer" />
              {s.step !== 'review' && <button type="submit" className="primary">{m.next}</button>}
              {s.step === 'review' && (!launched || failed) && (
                <button type="submit" className="primary" disabled={s.launching}>{launched ? m.resume : m.launch}</button>
              )}
            </div>
          )}
        </form>
      </div>
    </Page>
  );
}

function LaunchProgress({ m, onEdit, onRetry }: { m: WizardMessages; onEdit(step: FormStep): void; onRetry(): void }) {
  const status = useWizardStore((s) => s.status);
  const launching = useWizardStore((s) => s.launching);
  const names: Record<FormStep, string> = { zone: m.createZone, network: m.createNetwork, pod: m.createPod, cluster: m.addCluster, host: m.addHost, primary: m.addPrimary, secondary: m.addSecondary };
  const failed = FORM_STEPS.find((st) => status[st]?.state === 'failed');
  return (
    <section className="wiz-progress" aria-label={m.progress}>
      <h3>{m.progress}</h3>
      <ol>
        {FORM_STEPS.map((st) => {
          const x = status[st] ?? { state: 'pending' as const };
          const tone = x.state === 'done' ? 'ok' : x.state === 'failed' ? 'bad' : x.state === 'running' ? 'busy' : 'idle';
          return (
            <li key={st} className={`wiz-progress-item ${x.state}`}>
              <span className={`badge tone-${tone}`}>{m[x.state]}</span>
              <span>{names[st]}</span>
              {x.state === 'running' && <progress aria-label={names[st]} />}
              {x.error && <div className="error" role="alert">{x.error}</div>}
              {x.state === 'failed' && !launching && (
                <span className="wiz-fix">
                  <button type="button" onClick={onRetry}>{m.retry}</button>
                  <button type="button" className="ghost" onClick={() => onEdit(st)}>{fmt(m.editStep, { step: m[st] })}</button>
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {failed && !launching && <p className="muted">{fmt(m.stopped, { step: names[failed] })}</p>}
    </section>
  );
}
