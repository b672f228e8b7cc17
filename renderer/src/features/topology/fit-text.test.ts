import { describe, expect, it } from 'vitest';
import { fitLabel, hostNameSize, MIN_NAME_PX } from './fit-text';

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

describe('host names at the fit zoom', () => {
  // The demo lab's map fitted to a 1440 px window: tiles of about 70 px, names in 10 px type (about 6.2 px a
  // character in system-ui 600), 62 px for the text.
  const at = (size: number) => (t: string) => t.length * size * 0.62;
  it('shrink the font so that "sim-host-12" stays whole instead of being cut', () => {
    const size = hostNameSize(at(10)('sim-host-12'), 62, 10);
    expect(size).toBeLessThan(10);
    expect(size).toBeGreaterThanOrEqual(MIN_NAME_PX);
    expect(fitLabel(at(size), 'sim-host-12', 62, 'middle')).toBe('sim-host-12');
  });
  it('keep the size of a name that fits, and cut only a name too long even at the smallest size', () => {
    expect(hostNameSize(at(10)('kvm-1'), 62, 10)).toBe(10);
    const long = 'compute-rack-07-node-42.example.internal';
    const size = hostNameSize(at(10)(long), 62, 10);
    expect(size).toBe(MIN_NAME_PX);
    expect(fitLabel(at(size), long, 62, 'middle')).toMatch(/^comp.*….*nal$/);
  });
});
