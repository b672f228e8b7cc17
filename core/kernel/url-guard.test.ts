// The address rule behind "Illegal host specified in url": every spelling of loopback, link-local, any-local and
// multicast is caught (IPv4, IPv6, IPv4-mapped), private and public addresses pass.
import { describe, expect, it } from 'vitest';
import { checkUrlHost, isInternalAddress } from './url-guard';

describe('isInternalAddress', () => {
  it.each(['127.0.0.1', '127.9.9.9', '0.0.0.0', '169.254.169.254', '224.0.0.1', '239.255.255.250', '::1', '::', '0:0:0:0:0:0:0:1',
    'fe80::1', 'FE80::abcd%eth0', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::127.0.0.1', '::ffff:a9fe:a9fe'])('%s is internal', (a) => {
    expect(isInternalAddress(a)).toBe(true);
  });
  it.each(['10.0.0.1', '192.168.1.1', '172.16.0.1', '8.8.8.8', '192.0.2.1', '2001:db8::1', '::ffff:8.8.8.8', 'fec0::1', 'fd00::2'])('%s is not', (a) => {
    expect(isInternalAddress(a)).toBe(false);
  });
});

describe('checkUrlHost', () => {
  it('refuses names and numeric spellings that reach the machine itself; unresolvable names pass to fail at fetch', async () => {
    for (const u of ['http://localhost:8080/x', 'http://[::1]:8080/x', 'http://2130706433/x', 'http://0x7f.1/x', 'https://127.1/x']) {
      await expect(checkUrlHost(u), u).rejects.toThrow('Illegal host specified in url');
    }
    await expect(checkUrlHost('http://no-such-host.invalid/x')).resolves.toBeUndefined();
    await expect(checkUrlHost('http://192.0.2.1/x')).resolves.toBeUndefined();
  });
});
