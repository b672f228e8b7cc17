// The forms of a network's edge (port forwarding, firewall, egress and load balancer rules): the checks that catch a
// typo before the server is asked, each naming what is wrong, and the CloudStack arguments they become. Pure, so
// unit-tested; the server's own refusals (a port taken by another rule, 537) still come back with CloudStack's text.
import { isCidr } from '../infrastructure/validate';

export interface EdgeMessages { required: string; badPort: string; endBeforeStart: string; rangeLength: string; badCidr: string; badIcmp: string }
export type Errors<K extends string> = Partial<Record<K, string>>;

const isPort = (s: string) => /^\d{1,5}$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= 65535;
const t = (s: string) => s.trim();
const list = (s: string) => s.split(',').map(t).filter(Boolean);

/** A port field: required or not, 1-65535. */
function portError(v: string, required: boolean, m: EdgeMessages): string | undefined {
  if (!t(v)) return required ? m.required : undefined;
  return isPort(v) ? undefined : m.badPort;
}

/** An end port: optional, a port, not before its start. */
function endError(start: string, end: string, m: EdgeMessages): string | undefined {
  const e = portError(end, false, m);
  if (e || !t(end) || !isPort(start)) return e;
  return Number(end) < Number(start) ? m.endBeforeStart : undefined;
}

function cidrError(v: string, m: EdgeMessages): string | undefined {
  return list(v).every(isCidr) ? undefined : m.badCidr;
}

export interface PfForm { protocol: 'tcp' | 'udp'; publicport: string; publicendport: string; privateport: string; privateendport: string; vmid: string; cidrlist: string }
export const emptyPf = (): PfForm => ({ protocol: 'tcp', publicport: '', publicendport: '', privateport: '', privateendport: '', vmid: '', cidrlist: '' });

export function pfErrors(f: PfForm, m: EdgeMessages): Errors<keyof PfForm> {
  const e: Errors<keyof PfForm> = {
    publicport: portError(f.publicport, true, m), privateport: portError(f.privateport, true, m),
    publicendport: endError(f.publicport, f.publicendport, m), privateendport: endError(f.privateport, f.privateendport, m),
    vmid: f.vmid ? undefined : m.required, cidrlist: cidrError(f.cidrlist, m),
  };
  // CloudStack forwards a range onto a range of the same length.
  if (!e.publicport && !e.privateport && !e.publicendport && !e.privateendport) {
    const len = (s: string, en: string) => Number(t(en) || s) - Number(s);
    if (len(f.publicport, f.publicendport) !== len(f.privateport, f.privateendport)) e.privateendport = m.rangeLength;
  }
  return clean(e);
}

export function pfArgs(ipaddressid: string, f: PfForm) {
  return {
    ipaddressid, protocol: f.protocol, virtualmachineid: f.vmid,
    publicport: Number(f.publicport), publicendport: t(f.publicendport) ? Number(f.publicendport) : undefined,
    privateport: Number(f.privateport), privateendport: t(f.privateendport) ? Number(f.privateendport) : undefined,
    cidrlist: list(f.cidrlist).length ? list(f.cidrlist) : undefined,
  };
}

export type FwProtocol = 'tcp' | 'udp' | 'icmp' | 'all';
export interface FwForm { protocol: FwProtocol; startport: string; endport: string; icmptype: string; icmpcode: string; cidrlist: string }
export const emptyFw = (): FwForm => ({ protocol: 'tcp', startport: '', endport: '', icmptype: '-1', icmpcode: '-1', cidrlist: '' });

const icmpError = (v: string, m: EdgeMessages) => (!t(v) || (/^-?\d{1,3}$/.test(t(v)) && Number(v) >= -1 && Number(v) <= 255) ? undefined : m.badIcmp);

/** Ingress and egress rules share the form; ports only for tcp/udp (egress may leave them out: every port). */
export function fwErrors(f: FwForm, m: EdgeMessages, o: { portsRequired: boolean }): Errors<keyof FwForm> {
  const ports = f.protocol === 'tcp' || f.protocol === 'udp';
  return clean({
    startport: ports ? portError(f.startport, o.portsRequired, m) : undefined,
    endport: ports ? endError(f.startport, f.endport, m) : undefined,
    icmptype: f.protocol === 'icmp' ? icmpError(f.icmptype, m) : undefined,
    icmpcode: f.protocol === 'icmp' ? icmpError(f.icmpcode, m) : undefined,
    cidrlist: cidrError(f.cidrlist, m),
  });
}

export function fwArgs(f: FwForm) {
  const ports = f.protocol === 'tcp' || f.protocol === 'udp';
  const icmp = f.protocol === 'icmp';
  return {
    protocol: f.protocol,
    startport: ports && t(f.startport) ? Number(f.startport) : undefined,
    endport: ports && t(f.endport) ? Number(f.endport) : undefined,
    icmptype: icmp && t(f.icmptype) ? Number(f.icmptype) : undefined,
    icmpcode: icmp && t(f.icmpcode) ? Number(f.icmpcode) : undefined,
  };
}
export const cidrs = (s: string) => (list(s).length ? list(s) : undefined);

export interface LbForm { name: string; algorithm: 'roundrobin' | 'leastconn' | 'source'; protocol: 'tcp' | 'udp'; publicport: string; privateport: string; cidrlist: string }
export const emptyLb = (): LbForm => ({ name: '', algorithm: 'roundrobin', protocol: 'tcp', publicport: '', privateport: '', cidrlist: '' });

export function lbErrors(f: LbForm, m: EdgeMessages): Errors<keyof LbForm> {
  return clean({
    name: t(f.name) ? undefined : m.required,
    publicport: portError(f.publicport, true, m), privateport: portError(f.privateport, true, m), cidrlist: cidrError(f.cidrlist, m),
  });
}

export function lbArgs(publicipid: string, f: LbForm) {
  return { publicipid, name: t(f.name), algorithm: f.algorithm, protocol: f.protocol, publicport: Number(f.publicport), privateport: Number(f.privateport), cidrlist: cidrs(f.cidrlist) };
}

/** A port range as shown: "80" or "8000–8010". */
export function portRange(start: string | number | undefined, end: string | number | undefined): string {
  if (start === undefined || start === '') return '—';
  return end !== undefined && end !== '' && String(end) !== String(start) ? `${start}–${end}` : String(start);
}

function clean<K extends string>(e: Errors<K>): Errors<K> {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v)) as Errors<K>;
}
