import { describe, expect, it } from 'vitest';
import { downloadFailed, downloadPercent, downloading } from './types';

describe('template download status', () => {
  it('reads the percentage CloudStack puts in the status text', () => {
    expect(downloadPercent('35% Downloaded')).toBe(35);
    expect(downloadPercent('Download Complete')).toBeNull();
  });
  it('keeps polling copies on their way, not failed ones', () => {
    expect(downloading({ isready: false, status: '35% Downloaded' })).toBe(true);
    expect(downloading({ isready: true, status: 'Download Complete' })).toBe(false);
    expect(downloadFailed({ isready: false, status: 'Download Failed: checksum mismatch' })).toBe(true);
  });
});
