// The metrics tables (migration 014) as Kysely types, the five resolutions and what each of a series' eight
// integer channels holds per kind of object. Values are integers so sums stay exact: CPU in hundredths of a
// percent, memory in KiB, byte rates in bytes/s, operation rates in hundredths of an operation per second.
import type { Generated, Kysely } from 'kysely';
import type { Db } from '../db/connect';

export type SeriesKind = 'vm' | 'host' | 'volume' | 'pool' | 'zone';

export interface MetricRow {
  ts: number; series: number; n: number;
  s0: number | null; x0: number | null; s1: number | null; x1: number | null; s2: number | null; x2: number | null;
  s3: number | null; x3: number | null; s4: number | null; x4: number | null; s5: number | null; x5: number | null;
  s6: number | null; x6: number | null; s7: number | null; x7: number | null;
  /** Packets received and sent (migration 014c): sums only. */
  s8: number | null; s9: number | null;
}

/** A packed tier's row (migration 014b): one series' buckets of one period, `ts` the period's start (kernel/bucket-pack.ts). */
export interface PackRow { ts: number; series: number; data: Uint8Array }

export interface MetricsTables {
  metric_series: { id: Generated<number>; kind: string; object_id: string };
  metric_t0: MetricRow;
  metric_p1: PackRow; metric_p2: PackRow; metric_p3: PackRow; metric_p4: PackRow;
  metric_rollups: { tier: number; done_until: number };
}
export type PackTable = 'metric_p1' | 'metric_p2' | 'metric_p3' | 'metric_p4';
export type MetricsDb = Kysely<MetricsTables>;

/** The metrics tables live in the core's database; only core/metrics knows them. */
export const metricsDb = (db: Db): MetricsDb => db as unknown as MetricsDb;

export const CHANNELS = 10;
/**
 * Channels whose maximum is kept: CPU, memory and channel 2 (a host's load; a VM's disk read). The I/O channels
 * 3..7 keep sums only (their maxima were never read: no API field carries them) and raw rows keep no maximum
 * either (with one sample it is the value): NULLs cost SQLite no bytes, and this took a fifth off the store.
 */
export const MAX_CHANNELS = 3;

/** A row's maximum of channel c: its own for rolled-up rows, the value itself for a raw one, none past MAX_CHANNELS. */
export function maxOf(c: number, n: number, s: number | string | null, x: number | string | null): number | null {
  if (c >= MAX_CHANNELS) return null;
  if (x !== null) return Number(x);
  return n === 1 && s !== null ? Number(s) : null;
}
/** The table of a rolled-up tier (1..4); tier 0, the raw samples, is metric_t0, a row per sample. */
export const packTable = (tier: number): PackTable => `metric_p${tier}` as PackTable;

/**
 * Channel numbers: a VM uses all; a volume 2..5; a pool 1 (used KiB). A host uses 0, 1 and 2 (load), and HOST_CH
 * for the sums of its VMs' I/O rates.
 */
export const CH = { cpu: 0, mem: 1, load: 2, diskRead: 2, diskWrite: 3, iopsRead: 4, iopsWrite: 5, netRx: 6, netTx: 7, pktRx: 8, pktTx: 9 } as const;
/** Packet rates are in tenths of a packet per second: hundredths cost a VM-year about 8 KB more, for digits no graph shows. */
export const PACKET_SCALE = 10;
/** A host's channels past its load: its running VMs' disk and network byte rates, summed when it was sampled. */
export const HOST_CH = { diskRead: 3, diskWrite: 4, netRx: 6, netTx: 7 } as const;
/**
 * A zone's channels (derived from its hosts' and pools' raw rows: metrics/zone-series.ts): CPU in hundredths of a
 * percent of the sampled hosts' MHz, memory and storage used (KiB, maxima kept), and the totals they are parts of.
 */
export const ZONE_CH = { cpu: 0, memUsed: 1, storageUsed: 2, memTotal: 3, storageTotal: 4, cpuTotalMhz: 5 } as const;

/**
 * A tier: bucket size, how long buckets are kept, and (rolled-up tiers) the period one packed row holds. A period
 * is rolled up once it is complete in the finer tier, so the finer tier must keep a period and a bit longer.
 */
export interface Tier { stepS: number; keepS: number; packS?: number }

export interface MetricsConfig {
  /** Sampling interval of the collector (seconds); also the step of tier 0. */
  intervalS: number;
  /** Tiers 1..4 (tier 0 is the raw samples): bucket size and how long rows are kept. */
  tiers: Tier[];
  /** Rows written per INSERT. */
  writeChunk: number;
  /**
   * Rows written per event-loop turn (whole INSERTs of writeChunk rows): they share one commit, and a request waits
   * at most one turn's inserts (a few ms), so a big batch never holds the database (or the API) long.
   */
  turnRows: number;
  /**
   * How late a raw sample may still arrive (one write batch plus clock skew between servers): rollups and the zone
   * series take a raw tick as complete only this long after it. A lab with a 1 s interval and one server may say 3.
   */
  rawSlackS: number;
}

const DAY = 86_400;
export const DEFAULT_METRICS_CONFIG: MetricsConfig = {
  intervalS: 10,
  tiers: [
    { stepS: 10, keepS: 2 * 3600 },
    { stepS: 60, keepS: DAY, packS: 1800 },
    { stepS: 300, keepS: 7 * DAY, packS: 7200 },
    { stepS: 3600, keepS: 90 * DAY, packS: DAY / 2 },
    { stepS: DAY, keepS: 5 * 365 * DAY, packS: 10 * DAY },
  ],
  writeChunk: 400,
  turnRows: 1000,
  rawSlackS: 30,
};

/** A merged config: tier 0's step is always the sampling interval. */
export function metricsConfig(over: Partial<MetricsConfig> = {}): MetricsConfig {
  const c = { ...DEFAULT_METRICS_CONFIG, ...over };
  const tiers = c.tiers.map((t, i) => (i === 0 ? { ...t, stepS: c.intervalS } : t));
  for (let i = 1; i < tiers.length; i++) {
    const t = tiers[i];
    if (t.stepS % tiers[i - 1].stepS !== 0) throw new Error(`metrics tier ${i}: step must be a multiple of tier ${i - 1}'s`);
    if (!t.packS || t.packS % t.stepS !== 0) throw new Error(`metrics tier ${i}: packS must be a multiple of its step`);
    if (i > 1 && t.packS % tiers[i - 1].packS! !== 0) throw new Error(`metrics tier ${i}: packS must be a multiple of tier ${i - 1}'s`);
  }
  return { ...c, tiers };
}

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: DAY, w: 7 * DAY, y: 365 * DAY };

/**
 * Tiers with the retention an operator gave as five durations, finest first ("2h,1d,7d,90d,5y": the defaults).
 * Each tier must keep at least one of the next tier's periods (or it could never be rolled up whole).
 */
export function tiersWithRetention(text: string, base: Tier[] = DEFAULT_METRICS_CONFIG.tiers): Tier[] {
  const parts = text.split(',').map((x) => x.trim());
  if (parts.length !== base.length) throw new Error(`metrics retention: ${base.length} durations expected (e.g. 2h,1d,7d,90d,5y), got "${text}"`);
  return base.map((t, i) => {
    const m = /^(\d+)([smhdwy])$/.exec(parts[i]);
    if (!m) throw new Error(`metrics retention: "${parts[i]}" is not a duration like 90d (units s, m, h, d, w, y)`);
    const keepS = Number(m[1]) * UNIT_S[m[2]];
    const next = base[i + 1];
    if (next?.packS && keepS < next.packS + next.stepS) {
      throw new Error(`metrics retention: tier ${i} (${t.stepS} s buckets) must keep at least ${(next.packS + next.stepS) / 3600} h, got ${parts[i]}`);
    }
    return { ...t, keepS };
  });
}

/** The period a rolled-up tier's row holds (seconds). */
export const packOf = (config: MetricsConfig, tier: number): number => config.tiers[tier].packS!;

/** One sample of one series: the channel values (null where the object has no such figure). */
export interface Sample { series: number; values: (number | null)[] }

/** A point read back: bucket start (seconds), sample count, and per channel the average and maximum. */
export interface Point { ts: number; n: number; avg: (number | null)[]; max: (number | null)[] }
