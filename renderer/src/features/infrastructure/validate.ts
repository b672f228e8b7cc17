// Field checks shared by the dialogs and the zone wizard, so a typo is caught before a half-built zone exists.

export function isIPv4(s: string): boolean {
  const parts = s.trim().split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

export function isCidr(s: string): boolean {
  const [ip, bits, ...rest] = s.trim().split('/');
  return rest.length === 0 && isIPv4(ip ?? '') && /^\d{1,2}$/.test(bits ?? '') && Number(bits) <= 32;
}

/** A netmask: four octets whose bits are contiguous ones then zeros. */
export function isNetmask(s: string): boolean {
  if (!isIPv4(s)) return false;
  const n = s.split('.').reduce((acc, p) => (acc << 8) + Number(p), 0) >>> 0;
  const inv = ~n >>> 0;
  return (inv & (inv + 1)) === 0;
}

export type Errors<K extends string> = Partial<Record<K, string>>;
