import { describe, expect, it } from 'vitest';
import { fitLabel } from './fit-text';

const mono = (t: string) => t.length * 6;

describe('topology labels', () => {
  it('keep a host name whole when it fits', () => {
    expect(fitLabel(mono, 'sim-host-1', 60, 'middle')).toBe('sim-host-1');
  });
  it('cut host names in the middle, keeping the start and the distinguishing tail', () => {
    expect(fitLabel(mono, 'sim-host-12', 42, 'middle')).toBe('sim…-12');
    expect(fitLabel(mono, 'sim-host-12', 42, 'middle')).not.toMatch(/^…/);
  });
  it('cut other labels at the end, and give up when nothing fits', () => {
    expect(fitLabel(mono, 'Cluster 1-1 · 4 hosts', 48, 'end')).toBe('Cluster…');
    expect(fitLabel(mono, 'abc', 5, 'end')).toBe('');
  });
});
