// Turns a decoded request into the typed args of a command from its declaration, with CloudStack's error codes
// and texts (ParamProcessWorker and BaseListCmd; reference §1.2 and §8 item 9). Clients match on some of these
// texts, so they are kept verbatim.
import type { CommandDecl } from '../contract/command';
import type { ParamSpec } from '../contract/params';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import { ApiError, notFound, invalidParam, echo } from '../kernel/errors';
import { parseIso8601 } from './signature';
import type { DecodedRequest } from './request';

const paramError = (text: string) => new ApiError(ErrorCode.ParamError, text, CsErrorCode.ServerApi);

const missing = (cmd: string, name: string) =>
  paramError(`Unable to execute API command ${cmd} due to missing parameter ${name}`);
const badValue = (cmd: string, name: string, v: string) =>
  paramError(`Unable to execute API command ${cmd} due to invalid value ${echo(v)} for parameter ${name}`);
const badDate = (cmd: string, v: string) =>
  paramError(`Unable to parse date ${echo(v)} for command ${cmd}, please pass dates in the format mentioned in the api documentation`);

interface Compiled {
  cmd: string;
  params: Array<{ name: string; spec: ParamSpec }>;
  paging: boolean;
}

// Declarations are immutable data, so their lowercased names are computed once per command, not per request.
const compiledCache = new WeakMap<CommandDecl, Compiled>();

function compile(decl: CommandDecl): Compiled {
  let c = compiledCache.get(decl);
  if (c === undefined) {
    const params = Object.entries(decl.params).map(([name, spec]) => ({ name: name.toLowerCase(), spec }));
    const paging = params.some((x) => x.name === 'page' || x.name === 'pagesize');
    c = { cmd: decl.name.toLowerCase(), params, paging };
    compiledCache.set(decl, c);
  }
  return c;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?$/;
const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;

function parseInteger(cmd: string, name: string, v: string, min: number, max: number): number {
  if (!INT.test(v)) throw badValue(cmd, name, v);
  const n = Number(v);
  if (n < min || n > max) throw badValue(cmd, name, v);
  return n;
}

function checkUuid(cmd: string, name: string, v: string): string {
  if (v === '-1') return v; // CloudStack's hard-coded "any/none" marker (projectid=-1, zoneids=-1)
  if (!UUID.test(v)) throw notFound(cmd, name, v);
  // Ids are stored lowercase; MySQL-backed CloudStack matches uppercase input too, so normalise it.
  return v.toLowerCase();
}

// Both CloudStack date inputs: yyyy-MM-dd, yyyy-MM-dd HH:mm:ss (events, usage), plus ISO forms; strict ranges.
function isDate(v: string): boolean {
  const m = PLAIN_DATE.exec(v);
  if (m === null) return parseIso8601(v) !== null || parseIso8601(`${v}Z`) !== null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return false;
  return m[4] === undefined || (Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60);
}

function checkOneOf(cmd: string, name: string, spec: ParamSpec, v: string): string {
  const allowed = spec.oneOf!;
  const lower = v.toLowerCase();
  for (const a of allowed) if (a.toLowerCase() === lower) return a;
  throw invalidParam(`Unable to execute API command ${cmd} due to invalid value ${echo(v)} for parameter ${name}; ` +
    `allowed values are: ${allowed.join(', ')}`);
}

function convertList(cmd: string, name: string, spec: ParamSpec, v: string): unknown[] | undefined {
  const out: unknown[] = [];
  for (const part of v.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    if (spec.of === 'uuid') out.push(checkUuid(cmd, name, t));
    else if (spec.of === 'integer') {
      if (!INT.test(t)) throw badValue(cmd, name, v);
      out.push(Number(t));
    } else out.push(spec.oneOf ? checkOneOf(cmd, name, spec, t) : t);
  }
  return out.length > 0 ? out : undefined;
}

/** Converts one non-empty value; undefined means "treat as absent" (e.g. a list of only commas). */
function convert(cmd: string, name: string, spec: ParamSpec, v: string): unknown {
  switch (spec.type) {
    case 'boolean': return v.toLowerCase() === 'true';
    case 'integer': return parseInteger(cmd, name, v, -0x80000000, 0x7fffffff);
    case 'short': return parseInteger(cmd, name, v, -0x8000, 0x7fff);
    case 'long': return parseInteger(cmd, name, v, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'float': {
      const t = v.trim(); // Java's Float.valueOf trims
      if (!FLOAT.test(t)) throw badValue(cmd, name, v);
      const n = Number(/[fFdD]$/.test(t) ? t.slice(0, -1) : t);
      if (!Number.isFinite(n)) throw badValue(cmd, name, v);
      return n;
    }
    case 'uuid': return checkUuid(cmd, name, v);
    case 'list': return convertList(cmd, name, spec, v);
    case 'date': if (!isDate(v)) throw badDate(cmd, v); return v;
    case 'tzdate':
      if (parseIso8601(v) === null && parseIso8601(`${v}Z`) === null) throw badDate(cmd, v);
      return v;
    case 'string':
    default:
      if (v.length > spec.length) {
        throw paramError(`Unable to execute API command ${cmd} due to invalid value. ` +
          `Value greater than max allowed length ${spec.length} for param: ${name}`);
      }
      return spec.oneOf ? checkOneOf(cmd, name, spec, v) : v;
  }
}

/** BaseListCmd's paging rules, applied after the values have been typed. */
function checkPaging(cmd: string, args: Record<string, unknown>, maxPageSize: number): void {
  const page = args.page as number | undefined;
  const size = args.pagesize as number | undefined;
  if (size !== undefined && size !== -1 && size < 1) throw badValue(cmd, 'pagesize', String(size));
  if (page === undefined && size !== undefined && size !== -1) {
    throw paramError('"page" parameter is required when "pagesize" is specified');
  }
  if (size === undefined && page !== undefined) {
    throw paramError('"pagesize" parameter is required when "page" is specified');
  }
  if (page !== undefined && page < 1) throw badValue(cmd, 'page', String(page));
  if (size !== undefined && maxPageSize > 0 && size > maxPageSize) {
    throw invalidParam(`Page size can't exceed max allowed page size value: ${maxPageSize}`);
  }
  if (size === -1 && page !== undefined) {
    throw invalidParam("Can't specify page parameter when pagesize is -1 (Unlimited)");
  }
}

/**
 * Builds the typed args object of `decl` (keyed by declared names) from a decoded request. Throws ApiError 431
 * with CloudStack's texts for missing/invalid values; unknown ids in `uuid` params get the not-found text.
 * An empty value for an optional param counts as absent.
 */
export function validateArgs(decl: CommandDecl, req: DecodedRequest, maxPageSize: number): Record<string, unknown> {
  const plan = compile(decl);
  const args: Record<string, unknown> = {};
  for (const { name, spec } of plan.params) {
    if (spec.type === 'map') {
      const entries = req.maps.get(name);
      if (entries !== undefined && entries.length > 0) args[name] = entries;
      else if (spec.required) throw missing(plan.cmd, name);
      continue;
    }
    const v = req.params.get(name);
    const value = v === undefined || v === '' ? undefined : convert(plan.cmd, name, spec, v);
    if (value !== undefined) args[name] = value;
    else if (spec.required) throw missing(plan.cmd, name);
  }
  if (plan.paging) checkPaging(plan.cmd, args, maxPageSize);
  return args;
}
