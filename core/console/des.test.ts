// DES against published vectors (FIPS 46 worked example, NBS SP 500-20 tables, Rivest's iterated test) and, where
// this Node's OpenSSL offers triple DES, against it with K1=K2=K3 (which is single DES).
import { createCipheriv, getCiphers, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { desDecryptEcb, desEncryptEcb, reverseBits, vncAuthResponse, vncKey } from './des';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe('DES-ECB', () => {
  it.each([
    ['133457799BBCDFF1', '0123456789ABCDEF', '85E813540F0AB405'],
    ['0E329232EA6D0D73', '8787878787878787', '0000000000000000'],
    // NBS SP 500-20 variable-plaintext and variable-key tables (first entries).
    ['0101010101010101', '8000000000000000', '95F8A5E5DD31D900'],
    ['0101010101010101', '4000000000000000', 'DD7F121CA5015619'],
    ['8001010101010101', '0000000000000000', '95A8D72813DAA94D'],
    ['4001010101010101', '0000000000000000', '0EEC1487DD8C26D5'],
  ])('key %s encrypts %s to %s and back', (k, pt, ct) => {
    expect(toHex(desEncryptEcb(hex(k), hex(pt)))).toBe(ct);
    expect(toHex(desDecryptEcb(hex(k), hex(ct)))).toBe(pt);
  });

  it("passes Rivest's iterated test (16 alternating encryptions and decryptions)", () => {
    let x: Uint8Array = hex('9474B8E8C73BCA7D');
    for (let i = 0; i < 16; i++) x = i % 2 === 0 ? desEncryptEcb(x, x) : desDecryptEcb(x, x);
    expect(toHex(x)).toBe('1B1A2DDB4C642438');
  });

  it('ignores the parity bits of the key', () => {
    const pt = hex('0123456789ABCDEF');
    expect(toHex(desEncryptEcb(hex('133457799BBCDFF1'), pt))).toBe(toHex(desEncryptEcb(hex('123456789ABCDEF0'), pt)));
  });

  it('rejects wrong key and data sizes', () => {
    expect(() => desEncryptEcb(new Uint8Array(7), new Uint8Array(8))).toThrow(/8 bytes/);
    expect(() => desEncryptEcb(new Uint8Array(8), new Uint8Array(12))).toThrow(/multiple of 8/);
  });

  it.skipIf(!getCiphers().includes('des-ede3-ecb'))('agrees with OpenSSL triple DES (K1=K2=K3) on random blocks', () => {
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(8);
      const data = randomBytes(16);
      const c = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null).setAutoPadding(false);
      const expected = Buffer.concat([c.update(data), c.final()]);
      expect(toHex(desEncryptEcb(key, data))).toBe(toHex(expected));
    }
  });
});

describe('VNC Authentication', () => {
  it('derives the key from the password with each byte bit-reversed, zero-padded, cut at 8 bytes', () => {
    expect(reverseBits(0x01)).toBe(0x80);
    expect(reverseBits(0x70)).toBe(0x0e);
    // 'p'=0x70 -> 0x0E, 'w'=0x77 -> 0xEE; padding zeros stay zeros.
    expect(toHex(vncKey('pw'))).toBe('0EEE000000000000');
    expect(toHex(vncKey('123456789'))).toBe(toHex(vncKey('12345678')));
  });

  it('answers a challenge with both 8-byte halves encrypted independently (ECB)', () => {
    const challenge = hex('00112233445566778899AABBCCDDEEFF');
    const out = vncAuthResponse('secret12', challenge);
    expect(out.length).toBe(16);
    const key = vncKey('secret12');
    expect(toHex(out.subarray(0, 8))).toBe(toHex(desEncryptEcb(key, challenge.subarray(0, 8))));
    expect(toHex(out.subarray(8))).toBe(toHex(desEncryptEcb(key, challenge.subarray(8))));
    expect(toHex(desDecryptEcb(key, out))).toBe(toHex(challenge));
    expect(() => vncAuthResponse('x', new Uint8Array(8))).toThrow(/16 bytes/);
  });
});
