import { describe, expect, it } from 'vitest';
import { firstMatch, moved, RULE_PATTERN } from './rules';
import { buildTree } from './domains';

describe('role rules', () => {
  const rules = [{ rule: 'list*' }, { rule: 'stopVirtualMachine' }, { rule: 'destroy*' }, { rule: '*' }];
  it('picks the first matching rule, wildcards included', () => {
    expect(firstMatch(rules, 'listVolumes')).toBe(0);
    expect(firstMatch(rules, 'stopVirtualMachine')).toBe(1);
    expect(firstMatch(rules, 'destroyVirtualMachine')).toBe(2);
    expect(firstMatch(rules, 'deployVirtualMachine')).toBe(3);
    expect(firstMatch(rules.slice(0, 2), 'deployVirtualMachine')).toBe(-1);
  });
  it('moves a rule up or down and leaves the ends alone', () => {
    expect(moved(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
  it('accepts only API names and * patterns', () => {
    expect(RULE_PATTERN.test('list*')).toBe(true);
    expect(RULE_PATTERN.test('list.*')).toBe(false);
  });
});

describe('domain tree', () => {
  it('nests domains under their parents, sorted by name; orphans become roots', () => {
    const d = (id: string, name: string, parent?: string) => ({ id, name, level: parent ? 1 : 0, path: name, parentdomainid: parent });
    const roots = buildTree([d('r', 'ROOT'), d('s', 'Sales', 'r'), d('e', 'Engineering', 'r'), d('x', 'Lost', 'gone')]);
    expect(roots.map((n) => n.domain.name)).toEqual(['Lost', 'ROOT']);
    expect(roots[1].children.map((n) => n.domain.name)).toEqual(['Engineering', 'Sales']);
  });
});
