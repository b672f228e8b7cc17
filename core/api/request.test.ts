import { describe, it, expect } from 'vitest';
import { decodeRequest, formDecode } from './request';
import { ApiError } from '../kernel/errors';

const MALFORMED = (key: string) =>
  `Unable to decode parameter ${key}; if specifying an object array, please use parameter[index].field=XXX, ` +
  'e.g. userGroupList[0].group=httpGroup';

function expect430(query: string, key: string) {
  try {
    decodeRequest(query, null);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).errorcode).toBe(430);
    expect((e as ApiError).message).toBe(MALFORMED(key));
    return;
  }
  throw new Error(`expected 430 for ${query}`);
}

describe('formDecode', () => {
  it('decodes UTF-8 escapes and + as space', () => {
    expect(formDecode('web+01%2F%C3%A9')).toBe('web 01/é');
    expect(formDecode('a%2Bb')).toBe('a+b');
    expect(formDecode('plain')).toBe('plain');
  });

  it('keeps malformed escapes literally and never throws', () => {
    expect(formDecode('100%')).toBe('100%');
    expect(formDecode('50%+off%zz%C3%A9')).toBe('50% off%zzé');
    expect(formDecode('%E0%A4%A')).toBe('\uFFFD%A');
    expect(formDecode('%FF')).toBe('\uFFFD');
  });
});

describe('decodeRequest', () => {
  it('merges query then body, first value wins, names lowercased in params', () => {
    const r = decodeRequest('command=listZones&zoneId=a&name=q', 'zoneid=b&name=body&extra=1&zoneId=c');
    expect(r.params.get('zoneid')).toBe('a');
    expect(r.params.get('name')).toBe('q');
    expect(r.params.get('extra')).toBe('1');
    expect(r.raw).toEqual([
      ['command', 'listZones'], ['zoneId', 'a'], ['name', 'q'], ['zoneid', 'b'], ['extra', '1'],
    ]);
  });

  it('handles empty values, missing =, empty segments, a leading ? and a null body', () => {
    const r = decodeRequest('?a=&b&&c=1=2&=x', null);
    expect(r.raw).toEqual([['a', ''], ['b', ''], ['c', '1=2']]);
    expect(decodeRequest('', null).raw).toEqual([]);
  });

  it('decodes names and values (signatures need the decoded raw names)', () => {
    const r = decodeRequest('tags%5B0%5D.key=env&name=web+01%2F%C3%A9', null);
    expect(r.raw).toEqual([['tags[0].key', 'env'], ['name', 'web 01/é']]);
    expect(r.maps.get('tags')).toEqual([{ key: 'env' }]);
  });

  it('unpacks map params by index order; base lowercased, field case kept', () => {
    const r = decodeRequest(
      'Tags[1].key=b&tags[1].value=2&tags[0].key=a&tags[0].value=1&details[0].cpuNumber=2&details[0].memory=2048', null);
    expect(r.maps.get('tags')).toEqual([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    expect(r.maps.get('details')).toEqual([{ cpuNumber: '2', memory: '2048' }]);
    expect(r.params.get('tags[1].key')).toBe('b');
  });

  it('sparse indexes keep their order; repeated fields keep the first value', () => {
    const r = decodeRequest('t[10].k=ten&t[2].k=two&t[2].k=again&T[2].k=upper', null);
    expect(r.maps.get('t')).toEqual([{ k: 'two' }, { k: 'ten' }]);
  });

  it('treats __proto__ as an ordinary field name', () => {
    const r = decodeRequest('d[0].__proto__=x', null);
    const e = r.maps.get('d')![0];
    expect(Object.keys(e)).toEqual(['__proto__']);
    expect(e['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
  });

  it('rejects bad map shapes with 430', () => {
    expect430('tags[x].key=1', 'tags[x].key');
    expect430('tags[0]=1', 'tags[0]');
    expect430('a[0][1].b=1', 'a[0][1].b');
    expect430('a[0].=1', 'a[0].');
    expect430('a[-1].b=1', 'a[-1].b');
    expect430('a[0]x.b=1', 'a[0]x.b');
    expect430('a[0.b=1', 'a[0.b');
    expect430('a]0[.b=1', 'a]0[.b');
    expect430('a[99999999999].b=1', 'a[99999999999].b');
  });

  it('treats names with a leading [ or only ] as plain params', () => {
    const r = decodeRequest('[x]=1&y]=2', null);
    expect(r.params.get('[x]')).toBe('1');
    expect(r.params.get('y]')).toBe('2');
    expect(r.maps.size).toBe(0);
  });
});
