// The zone wizard's state: the forms, which step is shown, and what the launch has created so far. Kept in a
// small zustand store (UI state, not server state) so the operator can look elsewhere mid-way and come back.
import { create } from 'zustand';
import { isCidr, isIPv4, isNetmask, type Errors } from '../validate';
import { emptyHostForm, hostFormErrors, primaryErrors, type HostForm, type PrimaryForm } from '../form-model';
import { defaultSimUrl } from '../host-url';

export interface ZoneForm { name: string; networktype: 'Advanced' | 'Basic'; dns1: string; dns2: string; internaldns1: string; guestcidraddress: string }
export interface PodForm { name: string; gateway: string; netmask: string; startip: string; endip: string }
export interface ClusterForm { name: string; hypervisor: string }
/** The zone's physical network: its traffic types, guest VLAN range and (Advanced zones) the public IP range for source NAT. */
export interface NetworkForm {
  name: string; guestVlan: string; kvmLabel: string; management: boolean; storage: boolean;
  /** How guest networks are kept apart between hosts: 802.1q VLANs, or VXLAN (the guest range is then of VNIs). */
  isolation: 'VLAN' | 'VXLAN';
  publicGateway: string; publicNetmask: string; publicVlan: string; publicStart: string; publicEnd: string;
}
export interface SecondaryForm { name: string; url: string }

export interface WizardForms { zone: ZoneForm; network: NetworkForm; pod: PodForm; cluster: ClusterForm; host: HostForm; primary: PrimaryForm; secondary: SecondaryForm }

/** Form steps in order, then the review. */
export const FORM_STEPS = ['zone', 'network', 'pod', 'cluster', 'host', 'primary', 'secondary'] as const;
export type FormStep = typeof FORM_STEPS[number];
export type Step = FormStep | 'review';

/** Ids of what the launch created, by step and by call of a step with several (network.Guest...): a retry skips these. */
export type Created = Partial<Record<FormStep, string>> & Record<string, string | undefined>;
export type StepStatus = { state: 'pending' | 'running' | 'done' | 'failed'; error?: string };

export const initialForms = (): WizardForms => ({
  zone: { name: '', networktype: 'Advanced', dns1: '', dns2: '', internaldns1: '', guestcidraddress: '10.1.1.0/24' },
  network: { name: 'Physical Network 1', guestVlan: '100-999', kvmLabel: '', management: true, storage: false, isolation: 'VLAN',
    publicGateway: '', publicNetmask: '255.255.255.0', publicVlan: '', publicStart: '', publicEnd: '' },
  pod: { name: '', gateway: '', netmask: '255.255.255.0', startip: '', endip: '' },
  cluster: { name: '', hypervisor: '' },
  host: emptyHostForm(defaultSimUrl()),
  primary: { name: '', url: '', scope: 'CLUSTER', tags: '' },
  secondary: { name: '', url: '' },
});

type Msg = { required: string; invalidIp: string; invalidCidr: string; invalidVlanRange: string; invalidVniRange?: string; outsideSubnet: string; endBeforeStart: string };

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
    case 'network':
      Object.assign(e, networkErrors(f, m));
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

/** VLAN ranges as CloudStack takes them: 100-199 or 100-199,300-310, each VLAN 1-4094, start before end. */
/** VLAN ranges (1-4094), or VNI ranges up to 16777214 with `max` (a VXLAN physical network). */
export function isVlanRanges(s: string, max = 4094): boolean {
  return s.split(',').every((part) => {
    const m = /^\s*(\d{1,8})\s*(?:-\s*(\d{1,8})\s*)?$/.exec(part);
    if (!m) return false;
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    return a >= 1 && b <= max && a <= b;
  });
}

const ipNum = (s: string) => s.trim().split('.').reduce((acc, p) => acc * 256 + Number(p), 0);

function networkErrors(f: WizardForms, m: Msg): Record<string, string> {
  const n = f.network;
  const e: Record<string, string> = {};
  if (!n.name.trim()) e.name = m.required;
  const vxlan = n.isolation === 'VXLAN';
  if (n.guestVlan.trim() && !isVlanRanges(n.guestVlan, vxlan ? 16777214 : 4094)) e.guestVlan = vxlan ? m.invalidVniRange ?? m.invalidVlanRange : m.invalidVlanRange;
  if (f.zone.networktype !== 'Advanced') return e;
  // Advanced zones: isolated networks take their source-NAT address from this range.
  for (const k of ['publicGateway', 'publicStart', 'publicEnd'] as const) {
    if (!n[k].trim()) e[k] = m.required; else if (!isIPv4(n[k])) e[k] = m.invalidIp;
  }
  if (!n.publicNetmask.trim()) e.publicNetmask = m.required; else if (!isNetmask(n.publicNetmask)) e.publicNetmask = m.invalidIp;
  const pv = n.publicVlan.trim();
  if (pv && pv !== 'untagged' && !(/^\d+$/.test(pv) && isVlanRanges(pv))) e.publicVlan = m.invalidVlanRange;
  if (Object.keys(e).some((k) => k.startsWith('public'))) return e;
  const mask = ipNum(n.publicNetmask);
  const net = (ip: string) => Math.floor(ipNum(ip) / (2 ** 32 - mask));
  for (const k of ['publicStart', 'publicEnd'] as const) if (net(n[k]) !== net(n.publicGateway)) e[k] = m.outsideSubnet;
  if (!e.publicEnd && !e.publicStart && ipNum(n.publicEnd) < ipNum(n.publicStart)) e.publicEnd = m.endBeforeStart;
  return e;
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
  setCreated(key: string, id: string): void;
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
  setCreated: (key, id) => set((s) => ({ created: { ...s.created, [key]: id } })),
  set: (p) => set(p),
  reset: () => set(fresh()),
}));
