import { describe, it, expect } from 'vitest';
import { defineCommands } from '../contract/command';
import { p, pagingParams } from '../contract/params';
import { ALL_ROLES } from '../contract/roles';
import { decodeRequest } from './request';
import { validateArgs } from './validate';
import { pageWindow } from '../kernel/paging';
import { ApiError } from '../kernel/errors';

const cmds = defineCommands({
  deployVirtualMachine: {
    description: 'test', async: true, authorized: ALL_ROLES, response: { kind: 'object', name: 'virtualmachine' },
    params: {
      zoneid: p.req.uuid(),
      name: p.string({ length: 10 }),
      cpunumber: p.integer(),
      size: p.long(),
      prio: p.short(),
      ratio: p.float(),
      startvm: p.boolean(),
      networkids: p.uuids(),
      hostids: p.list(),
      ports: p.list({ of: 'integer' }),
      projectid: p.uuid(),
      details: p.map(),
      boottype: p.string({ oneOf: ['BIOS', 'UEFI'] }),
      startdate: p.date(),
      when: p.tzdate(),
    },
  },
  importRole: {
    description: 'test', async: false, authorized: ALL_ROLES, response: { kind: 'object', name: 'role' },
    params: { rules: p.req.map(), ids: p.req.list() },
  },
  listZones: {
    description: 'test', async: false, authorized: ALL_ROLES, response: { kind: 'list', item: 'zone' },
    params: { ...pagingParams, id: p.uuid() },
  },
});

const ZONE = '6c2c0a3e-1f6a-4f1e-9a57-0c1d2e3f4a5b';
const run = (decl: keyof typeof cmds, query: string, max = 500) =>
  validateArgs(cmds[decl], decodeRequest(query, null), max);

function err(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('validateArgs', () => {
  it('builds typed args keyed by declared names from case-insensitive params', () => {
    const a = run('deployVirtualMachine',
      `zoneId=${ZONE.toUpperCase()}&name=web&cpuNumber=4&size=17179869184&prio=-3&ratio=1.5&startVm=TRUE` +
      `&networkids=${ZONE},+${ZONE}&hostids=a,,b,&ports=22,80&projectid=-1&details[0].cpuNumber=2` +
      '&boottype=uefi&startdate=2024-02-29&when=2024-01-01T10:00:00%2B0100');
    expect(a).toEqual({
      zoneid: ZONE, name: 'web', cpunumber: 4, size: 17179869184, prio: -3, ratio: 1.5, startvm: true,
      networkids: [ZONE, ZONE], hostids: ['a', 'b'], ports: [22, 80], projectid: '-1',
      details: [{ cpuNumber: '2' }], boottype: 'UEFI', startdate: '2024-02-29', when: '2024-01-01T10:00:00+0100',
    });
  });

  it('booleans never fail: anything but "true" is false', () => {
    expect(run('deployVirtualMachine', `zoneid=${ZONE}&startvm=yes`).startvm).toBe(false);
  });

  it('treats empty optional values as absent', () => {
    expect(run('deployVirtualMachine', `zoneid=${ZONE}&name=&cpunumber=&networkids=,`)).toEqual({ zoneid: ZONE });
  });

  it('missing required param -> 431 with CloudStack text', () => {
    const e = err(() => run('deployVirtualMachine', 'name=x'));
    expect(e.errorcode).toBe(431);
    expect(e.cserrorcode).toBe(9999);
    expect(e.message).toBe('Unable to execute API command deployvirtualmachine due to missing parameter zoneid');
    expect(err(() => run('deployVirtualMachine', 'zoneid=')).message).toContain('missing parameter zoneid');
  });

  it('missing required map or list -> missing parameter', () => {
    expect(err(() => run('importRole', 'ids=a')).message)
      .toBe('Unable to execute API command importrole due to missing parameter rules');
    expect(err(() => run('importRole', 'rules[0].rule=x&ids=,,')).message)
      .toBe('Unable to execute API command importrole due to missing parameter ids');
    expect(run('importRole', 'rules[0].rule=list*&rules[0].permission=allow&ids=a'))
      .toEqual({ rules: [{ rule: 'list*', permission: 'allow' }], ids: ['a'] });
  });

  it('bad numbers -> 431 invalid value', () => {
    for (const [q, v, name] of [
      ['cpunumber=4x', '4x', 'cpunumber'], ['cpunumber=2147483648', '2147483648', 'cpunumber'],
      ['prio=40000', '40000', 'prio'], ['size=1.5', '1.5', 'size'], ['ratio=abc', 'abc', 'ratio'],
      ['ports=22,http', '22,http', 'ports'], ['cpunumber=%2B', '+', 'cpunumber'], ['cpunumber=+1', ' 1', 'cpunumber'],
    ]) {
      const e = err(() => run('deployVirtualMachine', `zoneid=${ZONE}&${q}`));
      expect(e.errorcode).toBe(431);
      expect(e.message).toBe(`Unable to execute API command deployvirtualmachine due to invalid value ${v} for parameter ${name}`);
    }
  });

  it('too-long strings -> 431 naming the param and the max length', () => {
    const e = err(() => run('deployVirtualMachine', `zoneid=${ZONE}&name=12345678901`));
    expect(e.errorcode).toBe(431);
    expect(e.message).toBe('Unable to execute API command deployvirtualmachine due to invalid value. ' +
      'Value greater than max allowed length 10 for param: name');
  });

  it('non-UUID ids get the not-found text clients match on; -1 passes', () => {
    const e = err(() => run('deployVirtualMachine', 'zoneid=123'));
    expect(e.errorcode).toBe(431);
    expect(e.message).toContain('Invalid parameter zoneid value=123 due to incorrect long value format, or entity does not exist');
    const l = err(() => run('deployVirtualMachine', `zoneid=${ZONE}&networkids=${ZONE},nope`));
    expect(l.message).toContain('Invalid parameter networkids value=nope due to');
    expect(run('deployVirtualMachine', `zoneid=${ZONE}&networkids=-1`).networkids).toEqual(['-1']);
  });

  it('oneOf is case-insensitive, returns the canonical spelling, and lists allowed values', () => {
    const e = err(() => run('deployVirtualMachine', `zoneid=${ZONE}&boottype=legacy`));
    expect(e.errorcode).toBe(431);
    expect(e.message).toContain('invalid value legacy for parameter boottype');
    expect(e.message).toContain('BIOS, UEFI');
  });

  it('rejects impossible dates with CloudStack text', () => {
    for (const d of ['2023-02-29', '2024-13-01', 'yesterday', '2024-01-01 25:00:00']) {
      const e = err(() => run('deployVirtualMachine', `zoneid=${ZONE}&startdate=${d}`));
      expect(e.message).toBe(`Unable to parse date ${d} for command deployvirtualmachine, please pass dates in the ` +
        'format mentioned in the api documentation');
    }
    expect(run('deployVirtualMachine', `zoneid=${ZONE}&startdate=2024-01-01+10:00:00`).startdate)
      .toBe('2024-01-01 10:00:00');
    expect(err(() => run('deployVirtualMachine', `zoneid=${ZONE}&when=nope`)).errorcode).toBe(431);
  });
});

describe('paging', () => {
  it('page and pagesize together are accepted', () => {
    expect(run('listZones', 'page=2&pagesize=20')).toEqual({ page: 2, pagesize: 20 });
    expect(run('listZones', 'pagesize=-1')).toEqual({ pagesize: -1 });
  });

  it('page without pagesize and the reverse -> 431', () => {
    expect(err(() => run('listZones', 'page=1')).message).toBe('"pagesize" parameter is required when "page" is specified');
    const e = err(() => run('listZones', 'pagesize=10'));
    expect(e.errorcode).toBe(431);
    expect(e.message).toBe('"page" parameter is required when "pagesize" is specified');
  });

  it('pagesize above the maximum -> 431', () => {
    const e = err(() => run('listZones', 'page=1&pagesize=501'));
    expect(e.errorcode).toBe(431);
    expect(e.message).toBe("Page size can't exceed max allowed page size value: 500");
    expect(run('listZones', 'page=1&pagesize=501', 1000)).toEqual({ page: 1, pagesize: 501 });
  });

  it('pagesize -1 with page, page < 1, pagesize 0 -> 431', () => {
    expect(err(() => run('listZones', 'page=1&pagesize=-1')).errorcode).toBe(431);
    expect(err(() => run('listZones', 'page=0&pagesize=10')).message)
      .toBe('Unable to execute API command listzones due to invalid value 0 for parameter page');
    expect(err(() => run('listZones', 'page=1&pagesize=0')).errorcode).toBe(431);
    expect(err(() => run('listZones', 'page=1&pagesize=-2')).errorcode).toBe(431);
  });

  it('pageWindow: default limit is the max, -1 means all', () => {
    expect(pageWindow({}, 500)).toEqual({ offset: 0, limit: 500 });
    expect(pageWindow({ page: 3, pagesize: 20 }, 500)).toEqual({ offset: 40, limit: 20 });
    expect(pageWindow({ pagesize: -1 }, 500)).toEqual({ offset: 0, limit: null });
    expect(pageWindow({}, -1)).toEqual({ offset: 0, limit: null });
  });
});
