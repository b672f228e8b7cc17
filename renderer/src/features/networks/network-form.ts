// The create-network form: its fields, the checks that catch a typo before the server is asked (each with a message
// that says what is wrong), and the createNetwork arguments it becomes. Pure, so it is unit-tested.
import { isIPv4, isNetmask } from '../infrastructure/validate';

export type GuestType = 'Isolated' | 'Shared' | 'L2';

export interface NetworkForm {
  type: GuestType; name: string; displaytext: string; zoneid: string; offeringid: string;
  gateway: string; netmask: string; startip: string; endip: string; vlan: string;
  acltype: 'Account' | 'Domain'; networkdomain: string; account: string; domainid: string;
}

export const emptyNetworkForm = (type: GuestType): NetworkForm => ({
  type, name: '', displaytext: '', zoneid: '', offeringid: '', gateway: '', netmask: type === 'Shared' ? '255.255.255.0' : '',
  startip: '', endip: '', vlan: '', acltype: type === 'Shared' ? 'Domain' : 'Account', networkdomain: '', account: '', domainid: '',
});

type Key = keyof NetworkForm;
export type FormErrors = Partial<Record<Key, string>>;
export interface FormMessages {
  required: string; badIp: string; badNetmask: string; badVlan: string; outsideSubnet: string; endBeforeStart: string; isGateway: string; bothGateway: string;
}

export const ipNumber = (s: string) => s.trim().split('.').reduce((acc, p) => acc * 256 + Number(p), 0);

/** A VLAN ID as CloudStack takes it: 1-4094 (also written vlan://N). */
export function isVlanId(s: string): boolean {
  const v = s.trim().replace(/^vlan:\/\//, '');
  return /^\d{1,4}$/.test(v) && Number(v) >= 1 && Number(v) <= 4094;
}

/** Whether `ip` lies in the subnet of `gateway`/`netmask` (both valid). */
export function inSubnet(ip: string, gateway: string, netmask: string): boolean {
  const mask = ipNumber(netmask);
  // Bitwise on 32-bit values through >>> 0, so 255.x masks stay unsigned.
  return ((ipNumber(ip) & mask) >>> 0) === ((ipNumber(gateway) & mask) >>> 0);
}

/** The problems of the form, by field (empty: ready to send). `vlanRequired`: the offering has specifyvlan. */
export function networkFormErrors(f: NetworkForm, m: FormMessages, o: { vlanRequired: boolean }): FormErrors {
  const e: FormErrors = {};
  const need = (k: Key) => { if (!String(f[k]).trim()) e[k] = m.required; };
  const ip = (k: 'gateway' | 'startip' | 'endip') => { if (f[k].trim() && !isIPv4(f[k])) e[k] = m.badIp; };
  need('name'); need('zoneid'); need('offeringid');
  if (f.type === 'L2') {
    if (o.vlanRequired) need('vlan');
  } else {
    ip('gateway'); ip('startip'); ip('endip');
    if (f.netmask.trim() && !isNetmask(f.netmask)) e.netmask = m.badNetmask;
    if (f.type === 'Shared') {
      need('gateway'); need('netmask'); need('startip');
      if (o.vlanRequired) need('vlan');
    } else if (!!f.gateway.trim() !== !!f.netmask.trim()) {
      e[f.gateway.trim() ? 'netmask' : 'gateway'] = m.bothGateway;
    }
    const subnetOk = isIPv4(f.gateway) && isNetmask(f.netmask);
    for (const k of ['startip', 'endip'] as const) {
      if (e[k] || !f[k].trim() || !subnetOk) continue;
      if (!inSubnet(f[k], f.gateway, f.netmask)) e[k] = m.outsideSubnet;
    }
    if (!e.startip && !e.endip && isIPv4(f.startip) && isIPv4(f.endip)) {
      const [s, en] = [ipNumber(f.startip), ipNumber(f.endip)];
      if (en < s) e.endip = m.endBeforeStart;
      else if (isIPv4(f.gateway) && ipNumber(f.gateway) >= s && ipNumber(f.gateway) <= en) e.startip = m.isGateway;
    }
  }
  if (f.vlan.trim() && !isVlanId(f.vlan)) e.vlan = m.badVlan;
  return e;
}

/** The createNetwork arguments: only what the operator gave (the server fills the rest as CloudStack does). */
export function createNetworkArgs(f: NetworkForm) {
  const t = (s: string) => s.trim() || undefined;
  const l3 = f.type !== 'L2';
  return {
    name: f.name.trim(), displaytext: t(f.displaytext), zoneid: f.zoneid, networkofferingid: f.offeringid,
    gateway: l3 ? t(f.gateway) : undefined, netmask: l3 ? t(f.netmask) : undefined,
    startip: l3 ? t(f.startip) : undefined, endip: l3 ? t(f.endip) : undefined,
    vlan: t(f.vlan), networkdomain: l3 ? t(f.networkdomain) : undefined,
    acltype: f.type === 'Shared' ? f.acltype : undefined,
    account: t(f.account), domainid: f.account.trim() ? t(f.domainid) : undefined,
  };
}
