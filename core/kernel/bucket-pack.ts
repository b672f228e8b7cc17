// The packed form of a rolled-up metrics tier (migration 014b, core/metrics): one row per series per period (an hour of minutes, six
// hours of 5-minute buckets, a day of hours, 30 days of days) whose `data` blob holds the period's buckets. A row
// per bucket cost about 60 bytes of keys and record headers for a few small integers; packed, a bucket costs what
// its values need. Layout, every number an unsigned LEB128 varint, signed ones zigzagged first:
//   version (1), bucket count P, the number of sums and of maxima per bucket, a flags byte (1: the slots are 0..P-1, 2: every bucket has the same n), the
//   slots as deltas from the previous one unless flag 1, the sample counts (one if flag 2, else zigzag deltas), then per field (the sums, then the maxima) a mode
//   byte (0: no values, 1: a value in every bucket, 2: a presence bitmap of ceil(P/8) bytes follows) and its
//   present values as zigzag deltas from the previous present value.
// Columns, not rows, so neighbouring values are alike and their deltas short. The whole is then deflated (marked by
// a first byte of 2 instead of 1) when that is smaller: a day cycle's deltas repeat, and it takes another fifth
// off, for a few microseconds per pack. Values are integers (sums of integer
// samples) up to 2^53; arithmetic, not 32-bit bit operations, keeps them exact. It lives in the kernel because a
// migration writes it too (014b packs the rows an upgrade finds); the format is versioned, never changed in place.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** One bucket of a pack: its slot (bucket index within the period), sample count, sums and maxima per channel
 * (every bucket of a pack with as many sums, and as many maxima, as the first). */
export interface PackedBucket { slot: number; n: number; s: (number | null)[]; x: (number | null)[] }

const VERSION = 1;
const DEFLATED = 2;
const field = (b: PackedBucket, sums: number, f: number) => (f < sums ? b.s[f] : b.x[f - sums]) ?? null;

class Writer {
  private buf = Buffer.allocUnsafe(256);
  len = 0;
  private room(n: number) {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  byte(b: number) { this.room(1); this.buf[this.len++] = b; }
  uvar(v: number) {
    this.room(10);
    while (v >= 128) { this.buf[this.len++] = (v % 128) + 128; v = Math.floor(v / 128); }
    this.buf[this.len++] = v;
  }
  svar(v: number) { this.uvar(v >= 0 ? v * 2 : -v * 2 - 1); }
  bytes(b: Uint8Array) { this.room(b.length); this.buf.set(b, this.len); this.len += b.length; }
  done(): Buffer { return Buffer.from(this.buf.subarray(0, this.len)); }
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('metrics pack: truncated');
    return this.buf[this.pos++];
  }
  uvar(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      v += (b % 128) * mul;
      if (b < 128) return v;
      mul *= 128;
    }
  }
  svar(): number { const z = this.uvar(); return z % 2 === 0 ? z / 2 : -(z + 1) / 2; }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new Error('metrics pack: truncated');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Buckets must be in slot order with distinct slots; values integers (they are sums and maxima of integers). */
export function encodePack(buckets: PackedBucket[]): Buffer {
  const w = new Writer();
  w.byte(VERSION);
  w.uvar(buckets.length);
  const sums = buckets[0]?.s.length ?? 0;
  const fields = sums + (buckets[0]?.x.length ?? 0);
  w.uvar(sums);
  w.uvar(fields - sums);
  // A full period with one sample count (the usual case) spends nothing per bucket on either.
  const contiguous = buckets.every((b, i) => b.slot === i);
  const sameN = buckets.every((b) => b.n === buckets[0].n);
  w.byte((contiguous ? 1 : 0) | (sameN ? 2 : 0));
  let prev = 0;
  if (!contiguous) for (const b of buckets) { w.uvar(b.slot - prev); prev = b.slot; }
  prev = 0;
  if (sameN && buckets.length > 0) w.uvar(buckets[0].n);
  else for (const b of buckets) { w.svar(b.n - prev); prev = b.n; }
  for (let f = 0; f < fields; f++) {
    let present = 0;
    for (const b of buckets) if (field(b, sums, f) !== null) present++;
    const mode = present === 0 ? 0 : present === buckets.length ? 1 : 2;
    w.byte(mode);
    if (mode === 0) continue;
    if (mode === 2) {
      const bits = new Uint8Array(Math.ceil(buckets.length / 8));
      buckets.forEach((b, i) => { if (field(b, sums, f) !== null) bits[i >> 3] |= 1 << (i & 7); });
      w.bytes(bits);
    }
    let last = 0;
    for (const b of buckets) {
      const v = field(b, sums, f);
      if (v === null) continue;
      w.svar(v - last);
      last = v;
    }
  }
  const plain = w.done();
  const packed = deflateRawSync(plain.subarray(1));
  return packed.length + 1 < plain.length ? Buffer.concat([Buffer.of(DEFLATED), packed]) : plain;
}

export function decodePack(data: Uint8Array): PackedBucket[] {
  if (data[0] === DEFLATED) {
    let plain: Buffer;
    try { plain = inflateRawSync(data.subarray(1)); } catch (e) { throw new Error(`metrics pack: damaged (${(e as Error).message})`); }
    return decodePack(Buffer.concat([Buffer.of(VERSION), plain]));
  }
  const r = new Reader(data);
  const version = r.byte();
  if (version !== VERSION) throw new Error(`metrics pack: unknown version ${version}`);
  const count = r.uvar();
  const sums = r.uvar();
  const maxima = r.uvar();
  const flags = r.byte();
  const out: PackedBucket[] = [];
  let slot = 0;
  for (let i = 0; i < count; i++) {
    slot = flags & 1 ? i : slot + r.uvar();
    out.push({ slot, n: 0, s: new Array<number | null>(sums).fill(null), x: new Array<number | null>(maxima).fill(null) });
  }
  if (flags & 2 && count > 0) {
    const n = r.uvar();
    for (const b of out) b.n = n;
  } else {
    let n = 0;
    for (const b of out) { n += r.svar(); b.n = n; }
  }
  for (let f = 0; f < sums + maxima; f++) {
    const mode = r.byte();
    if (mode === 0) continue;
    const bits = mode === 2 ? r.bytes(Math.ceil(count / 8)) : null;
    let last = 0;
    for (let i = 0; i < count; i++) {
      if (bits && !(bits[i >> 3] & (1 << (i & 7)))) continue;
      last += r.svar();
      if (f < sums) out[i].s[f] = last;
      else out[i].x[f - sums] = last;
    }
  }
  return out;
}
