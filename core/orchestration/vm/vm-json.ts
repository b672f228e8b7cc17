// A page of VMs straight to JSON text, without building each VM's response object first. A page of 500 VMs is
// about 630 KB of JSON: building 500 objects of 60 fields and then stringifying them cost about twice the text
// itself. Here each VM's text is one template string; what many VMs of a page share (their account, zone, template,
// ISO and offering fields) is encoded once per page. Every value goes through JSON.stringify and the fields come in
// format()'s order, so each VM's text equals JSON.stringify of its object (vm-json.test.ts holds them equal).
import { csDate, ownerFields } from '../../kernel/format';
import { shownDetails } from './access-details';
import type { JsonItems } from '../../kernel/handler';
import { kb, parseDetails, type Names, type VmPage, type VmRow } from './vm-format';

/** `"a":1,"b":2` of an object (its fields, as JSON.stringify writes them, undefined ones left out), with a leading comma. */
function fields(o: object): string {
  const s = JSON.stringify(o);
  return s.length > 2 ? `,${s.slice(1, -1)}` : '';
}

/** `,"key":value`, or nothing for undefined (as JSON.stringify leaves the field out). */
const field = (key: string, v: unknown) => (v === undefined ? '' : `,${key}:${JSON.stringify(v)}`);
const q = JSON.stringify;

/** Fields the VMs of a page share, encoded once per distinct key. */
class Shared {
  private readonly cache = new Map<string, string>();
  constructor(private readonly make: (key: string) => string) {}
  get(key: string): string {
    let s = this.cache.get(key);
    if (s === undefined) this.cache.set(key, (s = this.make(key)));
    return s;
  }
}

function sharedOf(n: Names) {
  return {
    owner: new Shared((id) => {
      const acct = n.accounts.get(id);
      return fields({ ...ownerFields(acct), domain: acct?.domainName, domainpath: acct?.domainPath });
    }),
    zone: new Shared((id) => fields({ zoneid: id, zonename: n.zones.get(id) })),
    template: new Shared((id) => {
      const t = n.templates.get(id);
      return fields({ templateid: id, templatename: t?.name, templatedisplaytext: t?.display_text, templatetype: t?.template_type,
        templateformat: t?.format, passwordenabled: t ? t.password_enabled === 1 : undefined, guestosid: t?.ostype_id ?? undefined,
        ostypeid: t?.ostype_id ?? undefined, osdisplayname: t?.os_name ?? undefined });
    }),
    iso: new Shared((id) => {
      const iso = n.templates.get(id);
      return fields({ isoid: id, isoname: iso?.name, isodisplaytext: iso?.display_text });
    }),
    offering: new Shared((id) => fields({ serviceofferingid: id, serviceofferingname: n.offerings.get(id)?.name })),
  };
}

/** The figures of a VM's stats, when it has them (mostly it has none on a list page). */
function statsFields(p: VmPage, id: string): string {
  const st = p.stats.get(id);
  if (!st) return '';
  return fields({ cpuused: `${Number(st.cpuUsedPercent.toFixed(2))}%`, networkkbsread: kb(st.netReadBytes),
    networkkbswrite: kb(st.netWriteBytes), diskkbsread: kb(st.diskReadBytes), diskkbswrite: kb(st.diskWriteBytes),
    memorykbs: st.memoryKbs, diskioread: st.diskReadOps, diskiowrite: st.diskWriteOps });
}

/** details and the access entries shown beside them (keypairs, userdataid, userdataname). */
function detailsFields(r: VmRow): string {
  if (r.details === '{}') return ',"details":{}';
  const d = parseDetails(r.details);
  return `,"details":${q(shownDetails(d))}${field('"keypairs"', d.keypairnames)}${field('"userdataid"', d.userdataid)}${field('"userdataname"', d.userdataname)}`;
}

const list = (v: unknown[] | undefined) => (v === undefined || v.length === 0 ? '[]' : q(v));

/** Each VM of the page as JSON text, in page order: equal to JSON.stringify of vmObjects(p)'s objects. */
export function vmJsonTexts(p: VmPage): string[] {
  const out: string[] = [];
  writeVmJson(p, (text) => out.push(text));
  return out;
}

/** The page as JSON items for the answer's encoder (each VM's text written as soon as it is made). */
export const vmJsonItems = (p: VmPage): JsonItems => ({ length: p.rows.length, each: (write) => writeVmJson(p, write) });

function writeVmJson(p: VmPage, write: (text: string) => void): void {
  const n = p.names;
  const shared = sharedOf(n);
  for (const r of p.rows) {
    const onHost = p.admin && r.host_id !== null;
    const t = n.templates.get(r.template_id);
    const so = n.offerings.get(r.service_offering_id);
    const job = p.jobs.get(r.id);
    write(`{"id":${q(r.id)},"name":${q(r.name)},"displayname":${q(r.display_name || r.name)}${shared.owner.get(r.account_id)}` +
      `,"domainid":${q(r.domain_id)},"userid":${q(r.user_id)},"created":${q(csDate(r.created))},"lastupdated":${q(csDate(r.updated))}` +
      `,"state":${q(r.state)},"haenable":${r.ha_enable === 1}${field('"group"', r.group_name || undefined)}${field('"groupid"', r.group_id || undefined)}` +
      `${shared.zone.get(r.zone_id)}${p.admin ? `,"instancename":${q(r.instance_name)}` : ''}` +
      `${onHost ? `,"hostid":${q(r.host_id)}${field('"hostname"', r.host_name ?? n.hosts.get(r.host_id!) ?? undefined)}` : ''}` +
      `${field('"hypervisor"', r.hypervisor || undefined)}${shared.template.get(r.template_id)}` +
      `${r.iso_id === null || r.iso_id === undefined ? '' : shared.iso.get(r.iso_id)}${shared.offering.get(r.service_offering_id)}` +
      `,"cpunumber":${q(r.cpu_number)},"cpuspeed":${q(r.cpu_speed)},"memory":${q(r.memory)}${statsFields(p, r.id)}` +
      `,"rootdeviceid":0,"rootdevicetype":"ROOT","nic":${list(n.nics.get(r.id))},"securitygroup":[]` +
      `,"affinitygroup":${list(n.affinity.get(r.id))},"tags":${list(p.tags.get(r.id))}${detailsFields(r)}` +
      `,"displayvm":true,"isdynamicallyscalable":${t?.dynamic_scaling === 1 && so?.dynamic_scaling === 1}` +
      `,"deleteprotection":false,"vmtype":"User"${job ? `,"jobid":${q(job)},"jobstatus":0` : ''}}`);
  }
}
