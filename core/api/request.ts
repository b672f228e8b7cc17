// Decoding of an API request's parameters the way CloudStack's servlet + ParamUnpackWorker see them: query and
// form body merged (query first), UTF-8 with `+` as space, first value wins, names case-insensitive, and
// `name[i].field=value` map parameters unpacked (reference §1.1, §1.2).
import { ApiError } from '../kernel/errors';
import { ErrorCode } from '../contract/errors';

export interface DecodedRequest {
  /** First value per exact (case-preserved) name, in arrival order: the input of signature checks. */
  raw: Array<[string, string]>;
  /** Lowercased names, first value wins. Map params also appear here under their full lowercased name. */
  params: Map<string, string>;
  /** Lowercased base name -> entries in index order; field names keep their case. */
  maps: Map<string, Array<Record<string, string>>>;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

// Slow path for input decodeURIComponent refuses: bad `%` escapes stay literal, invalid UTF-8 becomes U+FFFD.
function lenientDecode(s: string): string {
  const chunks: Buffer[] = [];
  let textStart = 0;
  let i = s.indexOf('%');
  while (i >= 0) {
    const hex = s.slice(i + 1, i + 3);
    if (HEX.test(hex)) {
      if (i > textStart) chunks.push(Buffer.from(s.slice(textStart, i), 'utf8'));
      chunks.push(Buffer.of(parseInt(hex, 16)));
      textStart = i + 3;
      i = s.indexOf('%', textStart);
    } else {
      i = s.indexOf('%', i + 1);
    }
  }
  if (textStart < s.length) chunks.push(Buffer.from(s.slice(textStart), 'utf8'));
  return Buffer.concat(chunks).toString('utf8');
}

/** application/x-www-form-urlencoded component decoding; never throws. */
export function formDecode(s: string): string {
  const pct = s.indexOf('%');
  const t = s.indexOf('+') < 0 ? s : s.replaceAll('+', ' ');
  if (pct < 0) return t;
  try {
    return decodeURIComponent(t);
  } catch {
    return lenientDecode(t);
  }
}

const malformed = (key: string) => new ApiError(ErrorCode.MalformedParameter,
  `Unable to decode parameter ${key}; if specifying an object array, please use parameter[index].field=XXX, ` +
  'e.g. userGroupList[0].group=httpGroup');

const INDEX = /^\d{1,10}$/;

interface MapSlot { base: string; index: number; field: string }

/** Splits `base[i].field`; null for plain names; throws 430 for anything else containing `[`. */
function parseMapKey(key: string, open: number): MapSlot | null {
  if (open === 0) return null; // CloudStack treats a leading `[` as part of a plain name
  const close = key.indexOf(']');
  if (key.indexOf('[', open + 1) >= 0 || close < open || key.indexOf(']', close + 1) >= 0) throw malformed(key);
  if (key.charCodeAt(close + 1) !== 46 /* . */ || close + 2 >= key.length) throw malformed(key);
  const idx = key.slice(open + 1, close);
  if (!INDEX.test(idx)) throw malformed(key);
  const index = Number(idx);
  if (index > 0x7fffffff) throw malformed(key); // Java int
  return { base: key.slice(0, open).toLowerCase(), index, field: key.slice(close + 2) };
}

type MapBuild = Map<string, Map<number, Record<string, string>>>;

function setField(rec: Record<string, string>, field: string, value: string): void {
  if (Object.hasOwn(rec, field)) return; // first value wins
  // `__proto__` as a field name must become data, not the record's prototype.
  if (field !== '__proto__') rec[field] = value;
  else Object.defineProperty(rec, field, { value, enumerable: true, writable: true, configurable: true });
}

class Collector {
  readonly raw: Array<[string, string]> = [];
  readonly params = new Map<string, string>();
  private readonly seen = new Set<string>();
  building: MapBuild | null = null;

  add(name: string, value: string): void {
    if (this.seen.has(name)) return;
    this.seen.add(name);
    this.raw.push([name, value]);
    const lower = name.toLowerCase();
    if (!this.params.has(lower)) this.params.set(lower, value);
    const open = name.indexOf('[');
    if (open < 0) return;
    const slot = parseMapKey(name, open);
    if (slot === null) return;
    const byIndex = (this.building ??= new Map()).get(slot.base) ?? new Map<number, Record<string, string>>();
    this.building.set(slot.base, byIndex);
    let rec = byIndex.get(slot.index);
    if (rec === undefined) byIndex.set(slot.index, (rec = {}));
    setField(rec, slot.field, value);
  }

  parse(src: string): void {
    const n = src.length;
    let i = src.charCodeAt(0) === 63 /* ? */ ? 1 : 0;
    while (i < n) {
      let amp = src.indexOf('&', i);
      if (amp < 0) amp = n;
      if (amp > i) {
        const eq = src.indexOf('=', i);
        const hasEq = eq >= 0 && eq < amp;
        const name = formDecode(src.slice(i, hasEq ? eq : amp));
        if (name.length > 0) this.add(name, hasEq ? formDecode(src.slice(eq + 1, amp)) : '');
      }
      i = amp + 1;
    }
  }
}

function finishMaps(building: MapBuild | null): Map<string, Array<Record<string, string>>> {
  const maps = new Map<string, Array<Record<string, string>>>();
  if (building === null) return maps;
  for (const [base, byIndex] of building) {
    const indexes = [...byIndex.keys()].sort((a, b) => a - b);
    maps.set(base, indexes.map((ix) => byIndex.get(ix)!));
  }
  return maps;
}

/**
 * Decodes the raw query string and an optional form-urlencoded body into the three views the server needs.
 * Throws ApiError 430 for malformed `name[i].field` keys.
 */
export function decodeRequest(rawQuery: string, body: string | null): DecodedRequest {
  const c = new Collector();
  if (rawQuery) c.parse(rawQuery);
  if (body) c.parse(body);
  return { raw: c.raw, params: c.params, maps: finishMaps(c.building) };
}
