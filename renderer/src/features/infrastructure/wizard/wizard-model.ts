// The zone wizard's state: the forms, which step is shown, and what the launch has created so far. Kept in a
// small zustand store (UI state, not server state) so the operator can look elsewhere mid-way and come back.
import { create } from 'zustand';
import { isCidr, isIPv4, isNetmask, type Errors } from '../validate';
import { emptyHostForm, hostFormErrors, primaryErrors, type HostForm, type PrimaryForm } from '../form-model';
import { defaultSimUrl } from '../host-url';

export interface ZoneForm { name: string; networktype: 'Advanced' | 'Basic'; dns1: string; dns2: string; internaldns1: string; guestcidraddress: string }
export interface PodForm { name: string; gateway: string; netmask: string; startip: string; endip: string }
export interface ClusterForm { name: string; hypervisor: string }
export interface SecondaryForm { name: string; url: string }

export interface WizardForms { zone: ZoneForm; pod: PodForm; cluster: ClusterForm; host: HostForm; primary: PrimaryForm; secondary: SecondaryForm }

/** Form steps in order, then the review. */
export const FORM_STEPS = ['zone', 'pod', 'cluster', 'host', 'primary', 'secondary'] as const;
export type FormStep = typeof FORM_STEPS[number];
export type Step = FormStep | 'review';

/** Ids of what the launch created, by step: a retry skips these. */
export type Created = Partial<Record<FormStep, string>>;
export type StepStatus = { state: 'pending' | 'running' | 'done' | 'failed'; error?: string };

export const initialForms = (): WizardForms => ({
  zone: { name: '', networktype: 'Advanced', dns1: '', dns2: '', internaldns1: '', guestcidraddress: '10.1.1.0/24' },
  pod: { name: '', gateway: '', netmask: '255.255.255.0', startip: '', endip: '' },
  cluster: { name: '', hypervisor: '' },
  host: emptyHostForm(defaultSimUrl()),
  primary: { name: '', url: '', scope: 'CLUSTER', tags: '' },
  secondary: { name: '', url: '' },
});

type Msg = { required: string; invalidIp: string; invalidCidr: string };

/** Problems in one step's fields (empty object: the step is fine). */
export function stepErrors(step: FormStep, f: WizardForms, m: Msg): Record<string, string> {
  const e: Errors<string> = {};
  const need = (k: string, v: string) => { if (!v.trim()) e[k] = m.required; };
  const ip = (k: string, v: string, optional = false) => {
    if (!v.trim()) { if (!optional) e[k] = m.required; } else if (!isIPv4(v)) e[k] = m.invalidIp;
  };
  switch (step) {
    case 'zone':
      need('name', f.zone.name); ip('dns1', f.zone.dns1); ip('dns2', f.zone.dns2, true); ip('internaldns1', f.zone.internaldns1);
      if (f.zone.networktype === 'Advanced' && f.zone.guestcidraddress.trim() && !isCidr(f.zone.guestcidraddress)) e.guestcidraddress = m.invalidCidr;
      break;
    case 'pod':
      need('name', f.pod.name); ip('gateway', f.pod.gateway); ip('startip', f.pod.startip); ip('endip', f.pod.endip);
      if (!f.pod.netmask.trim()) e.netmask = m.required; else if (!isNetmask(f.pod.netmask)) e.netmask = m.invalidIp;
      break;
    case 'cluster':
      need('name', f.cluster.name); need('hypervisor', f.cluster.hypervisor);
      break;
    case 'host':
      Object.assign(e, hostFormErrors(f.host, f.cluster.hypervisor, m));
      break;
    case 'primary':
      Object.assign(e, primaryErrors(f.primary, m));
      break;
    case 'secondary':
      need('url', f.secondary.url);
      break;
  }
  return e as Record<string, string>;
}

interface WizardStore {
  forms: WizardForms;
  step: Step;
  /** Steps whose Next was pressed: their errors show from then on. */
  touched: Set<Step>;
  created: Created;
  status: Partial<Record<FormStep, StepStatus>>;
  launching: boolean;
  enabled: 'no' | 'running' | 'done' | { error: string };
  patch<K extends keyof WizardForms>(k: K, p: Partial<WizardForms[K]>): void;
  go(step: Step): void;
  touch(step: Step): void;
  setStatus(step: FormStep, s: StepStatus): void;
  setCreated(step: FormStep, id: string): void;
  set(p: Partial<Pick<WizardStore, 'launching' | 'enabled'>>): void;
  reset(): void;
}

const fresh = () => ({
  forms: initialForms(), step: 'zone' as Step, touched: new Set<Step>(), created: {}, status: {}, launching: false, enabled: 'no' as const,
});

export const useWizardStore = create<WizardStore>((set) => ({
  ...fresh(),
  patch: (k, p) => set((s) => ({ forms: { ...s.forms, [k]: { ...s.forms[k], ...p } } })),
  go: (step) => set({ step }),
  touch: (step) => set((s) => ({ touched: new Set([...s.touched, step]) })),
  setStatus: (step, st) => set((s) => ({ status: { ...s.status, [step]: st } })),
  setCreated: (step, id) => set((s) => ({ created: { ...s.created, [step]: id } })),
  set: (p) => set(p),
  reset: () => set(fresh()),
}));
