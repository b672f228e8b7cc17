// OpenSSH public keys: made from a new RSA key pair, or checked when registered. A key's fingerprint is
// CloudStack's: the MD5 of the key blob as colon-separated hex.
import { createHash, generateKeyPairSync } from 'node:crypto';

/** Key types OpenSSH accepts in authorized_keys (the blob starts with the same name). */
const KEY_TYPES = new Set(['ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com']);

export interface PublicKey { type: string; blob: Buffer; text: string }

/** An SSH wire-format string: a 32-bit length, then the bytes. */
function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the top bit is set (it is unsigned). */
function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return sshString(v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

export function fingerprint(blob: Buffer): string {
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

/** The key in authorized_keys form (type, base64 blob, comment), or null when it is not an OpenSSH public key. */
export function parsePublicKey(input: string): PublicKey | null {
  const [type, b64, ...comment] = input.trim().split(/\s+/);
  if (!type || !b64 || !KEY_TYPES.has(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const blob = Buffer.from(b64, 'base64');
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len + 4 > blob.length || blob.subarray(4, 4 + len).toString('latin1') !== type) return null;
  return { type, blob, text: [type, b64, ...comment].join(' ') };
}

/** A new 2048-bit RSA key pair: the OpenSSH public key and the private key as PKCS#1 PEM (what CloudStack answers). */
export function newRsaKeyPair(comment: string): { publicKey: PublicKey; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url'))]);
  return {
    publicKey: { type: 'ssh-rsa', blob, text: `ssh-rsa ${blob.toString('base64')} ${comment}` },
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}
