import { describe, it, expect } from 'vitest';
import { fmt } from './fmt';

describe('fmt', () => {
  it('fills placeholders and picks singular or plural by the value', () => {
    expect(fmt('{name} · {hosts} {hosts:host|hosts}', { name: 'Cluster 1', hosts: 1 })).toBe('Cluster 1 · 1 host');
    expect(fmt('{n} {n:VM|VMs}', { n: 0 })).toBe('0 VMs');
    expect(fmt('{n} {n:instance matches|instances match}', { n: 22 })).toBe('22 instances match');
    expect(fmt('{n} {n:VM|VMs}', { n: '1' })).toBe('1 VM');
  });

  it('leaves unknown placeholders visible', () => {
    expect(fmt('{a} and {b:x|y}', {})).toBe('{a} and {b:x|y}');
  });
});

describe('fmt plural rules', () => {
  it('picks the form by the language plural category (Intl.PluralRules), not by value === 1', () => {
    expect(fmt('{n} {n:VM|VMs}', { n: 1 })).toBe('1 VM');
    expect(fmt('{n} {n:VM|VMs}', { n: 0 })).toBe('0 VMs');
    expect(fmt('{n} {n:VM|VMs}', { n: 1.5 })).toBe('1.5 VMs');
  });
});
