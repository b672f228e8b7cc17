// A page of VMs written straight as JSON text (vm-json.ts) must be byte for byte what JSON.stringify of the same VMs'
// objects gives (vm-format.ts): clients see one answer, however it was made. Odd values on purpose: quotes,
// control characters, non-ASCII and lone surrogates in names, missing lookups, details with access entries.
import { describe, expect, it } from 'vitest';
import { vmObjects, type Names, type VmPage, type VmRow } from './vm-format';
import { vmJsonTexts, vmJsonItems } from './vm-json';
import { encodeJson, jsonItemsValue, toJson } from '../../api/serialize';

const row = (over: Partial<VmRow>): VmRow => ({
  id: 'vm-1', name: 'web-1', display_name: 'web-1', instance_name: 'i-2-1-VM', account_id: 'acct-1', domain_id: 'dom-1',
  user_id: 'user-1', zone_id: 'zone-1', host_id: 'host-1', template_id: 'tpl-1', iso_id: null, service_offering_id: 'so-1',
  cpu_number: 2, cpu_speed: 1000, memory: 2048, state: 'Running', ha_enable: 0, group_name: null, hypervisor: 'KVM',
  details: '{}', created: 1_700_000_000_123, updated: 1_700_000_100_999, group_id: null, host_name: 'kvm-1', ...over,
});

const rows: VmRow[] = [
  row({}),
  row({ id: 'vm-2', name: 'q"uo\\te', display_name: '', ha_enable: 1, group_name: 'g\u0001', group_id: 'grp-1', host_id: null, host_name: null }),
  row({ id: 'vm-3', name: 'n\u00e9\u4e2d\ud83d\ude00', display_name: 'lone \ud800 surrogate', host_name: null, host_id: 'host-2', iso_id: 'iso-1',
    details: JSON.stringify({ 'cpu speed': '1', keypairnames: 'k1,k2', userdataid: 'ud-1', userdataname: 'u\n', 'SSH.PublicKey': 'x' }) }),
  row({ id: 'vm-4', account_id: 'acct-proj', zone_id: 'zone-missing', template_id: 'tpl-missing', service_offering_id: 'so-missing',
    hypervisor: '', details: 'not json', host_id: 'host-missing', host_name: null, iso_id: 'iso-missing' }),
  row({ id: 'vm-5', account_id: 'acct-missing', template_id: 'tpl-2', details: '{"a":"b"}', memory: 0.5, cpu_number: -0 }),
];

const names: Names = {
  zones: new Map([['zone-1', 'Zone "1"']]),
  hosts: new Map([['host-2', 'kvm-2\u2028']]),
  templates: new Map([
    ['tpl-1', { name: 'debian', display_text: 'Debian <12>', password_enabled: 1, ostype_id: 'os-1', dynamic_scaling: 1, format: 'QCOW2', template_type: 'USER', os_name: 'Debian GNU/Linux 12 (64-bit)' }],
    ['tpl-2', { name: 'bare', display_text: null as never, password_enabled: 0, ostype_id: null, dynamic_scaling: 0, format: 'RAW', template_type: 'USER', os_name: null }],
    ['iso-1', { name: 'tools.iso', display_text: 'Tools', password_enabled: 0, ostype_id: 'os-2', dynamic_scaling: 0, format: 'ISO', template_type: 'USER', os_name: 'Other' }],
  ]),
  offerings: new Map([['so-1', { name: 'Small \\ Instance', dynamic_scaling: 1 }]]),
  accounts: new Map([
    ['acct-1', { name: 'alice', domainName: 'ROOT', domainPath: 'ROOT' }],
    ['acct-proj', { name: 'PrjAcct-p', domainName: 'sub', domainPath: 'ROOT/sub', project: { id: 'prj-1', name: 'Project "X"' } } as never],
  ]),
  nics: new Map([['vm-1', [{ id: 'nic-1', networkid: 'net-1', ipaddress: '10.0.0.2', isdefault: true } as never]]]),
  affinity: new Map([['vm-3', [{ id: 'ag-1', name: 'spread', type: 'host anti-affinity', description: undefined }]]]),
};

const page = (admin: boolean): VmPage => ({
  rows, names, admin,
  jobs: new Map([['vm-2', 'job-1']]),
  stats: new Map([['vm-1', { cpuTimeMs: 5, cpuUsedPercent: 12.3456, memoryKbs: 1024, diskReadBytes: 4096, diskWriteBytes: 1536, netReadBytes: 0, netWriteBytes: 10_000 }],
    ['vm-3', { cpuTimeMs: 1, cpuUsedPercent: 0, memoryKbs: 1, diskReadBytes: 1, diskWriteBytes: 1, netReadBytes: 1, netWriteBytes: 1, diskReadOps: 3, diskWriteOps: 4 }]]),
  tags: new Map([['vm-5', [{ key: 'env', value: 'prod "eu"', resourcetype: 'UserVm', resourceid: 'vm-5' } as never]]]),
});

describe('VMs written as JSON text', () => {
  it('equal JSON.stringify of their objects, for an admin and for a user', () => {
    for (const admin of [true, false]) {
      const p = page(admin);
      expect(vmJsonTexts(p)).toEqual(vmObjects(p).map((o) => JSON.stringify(o)));
    }
  });

  it('make the same answer bytes as the objects', () => {
    const p = page(true);
    const texts = encodeJson('listvirtualmachinesresponse', { count: 7, virtualmachine: jsonItemsValue(vmJsonItems(p)) });
    const objects = encodeJson('listvirtualmachinesresponse', { count: 7, virtualmachine: vmObjects(p) });
    const expected = Buffer.from(toJson('listvirtualmachinesresponse', { count: 7, virtualmachine: vmObjects(p) }), 'utf8');
    expect(texts.bytes.equals(expected)).toBe(true);
    expect(objects.bytes.equals(expected)).toBe(true);
    const one = { ...p, rows: p.rows.slice(0, 1) };
    expect(encodeJson('x', { count: 1, virtualmachine: jsonItemsValue(vmJsonItems(one)) }).bytes.toString())
      .toBe(toJson('x', { count: 1, virtualmachine: vmObjects(one) }));
  });
});
