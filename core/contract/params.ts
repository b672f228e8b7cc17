// Parameter schema for API commands. A command's params are declared once with these builders; the dispatcher
// validates with them, listApis describes them, and the renderer's typed client infers argument types from them.

export type ParamType =
  | 'string' | 'boolean' | 'integer' | 'long' | 'uuid' | 'list' | 'map' | 'date' | 'tzdate' | 'short' | 'float';

export interface ParamSpec<T = unknown, R extends boolean = boolean> {
  type: ParamType;
  required: R;
  description: string;
  /** Max length for strings (CloudStack's default annotation length is 255). */
  length: number;
  /** For `list` params: the type of each element. */
  of?: 'string' | 'uuid' | 'integer';
  /** Allowed values (checked case-insensitively for strings). */
  oneOf?: readonly string[];
  /** Marker only: carries the decoded TypeScript type for inference. */
  readonly __t?: T;
}

interface Opts { description?: string; length?: number }

function spec<T, R extends boolean>(type: ParamType, required: R, o: Opts & { of?: ParamSpec['of']; oneOf?: readonly string[] } = {}): ParamSpec<T, R> {
  return { type, required, description: o.description ?? '', length: o.length ?? 255, of: o.of, oneOf: o.oneOf };
}

/** A map parameter decodes to its indexed entries: `tags[0].key=a&tags[0].value=b` -> [{key:'a', value:'b'}]. */
export type MapEntries = Record<string, string>[];

// R keeps `required` a literal type, so ParamsOf can tell required params from optional ones.
function builders<R extends boolean>(required: R) {
  return {
    string: (o?: Opts & { oneOf?: readonly string[] }) => spec<string, R>('string', required, o),
    uuid: (o?: Opts) => spec<string, R>('uuid', required, o),
    boolean: (o?: Opts) => spec<boolean, R>('boolean', required, o),
    integer: (o?: Opts) => spec<number, R>('integer', required, o),
    long: (o?: Opts) => spec<number, R>('long', required, o),
    short: (o?: Opts) => spec<number, R>('short', required, o),
    float: (o?: Opts) => spec<number, R>('float', required, o),
    list: (o?: Opts & { of?: ParamSpec['of'] }) => spec<string[], R>('list', required, { of: 'string', ...o }),
    uuids: (o?: Opts) => spec<string[], R>('list', required, { ...o, of: 'uuid' }),
    map: (o?: Opts) => spec<MapEntries, R>('map', required, o),
    date: (o?: Opts) => spec<string, R>('date', required, o),
    tzdate: (o?: Opts) => spec<string, R>('tzdate', required, o),
  };
}

/** `p.uuid()` is optional, `p.req.uuid()` is required. */
export const p = { ...builders(false as const), req: builders(true as const) };

export type ParamsSchema = Record<string, ParamSpec>;

type Decoded<S> = S extends ParamSpec<infer T> ? T : never;
type RequiredKeys<S extends ParamsSchema> = { [K in keyof S]: S[K]['required'] extends true ? K : never }[keyof S];

/** The decoded, validated argument object a handler receives (and the typed client accepts). */
export type ParamsOf<S extends ParamsSchema> =
  { [K in keyof S as S[K] extends { required: true } ? K : never]: Decoded<S[K]> } &
  { [K in keyof S as S[K] extends { required: true } ? never : K]?: Decoded<S[K]> };

export type { RequiredKeys };

/** Parameters every list command accepts (paging and keyword search). */
export const pagingParams = {
  keyword: p.string({ description: 'List by keyword (name or description substring)' }),
  page: p.integer({ description: 'Page number, 1-based; requires pagesize' }),
  pagesize: p.integer({ description: 'Items per page; at most 500, -1 for all' }),
} as const;

/**
 * Strata extension (CloudStack has no generic sort parameter): server-side order of a list, so a console can sort
 * 100,000 rows without loading them. Each sortable command names its keys; the default is the command's usual order.
 */
export function sortParams<K extends string>(keys: readonly K[]) {
  return {
    sortby: p.string({ description: `Strata extension: sort key (${keys.join(', ')})`, oneOf: keys }),
    sortorder: p.string({ description: 'Strata extension: asc (default) or desc', oneOf: ['asc', 'desc'] as const }),
  } as const;
}

/** Ownership scoping parameters of list commands on account-owned resources. */
export const scopeParams = {
  account: p.string({ description: 'List resources of this account (with domainid)' }),
  domainid: p.uuid({ description: 'List resources of this domain' }),
  isrecursive: p.boolean({ description: 'With domainid or listall: include subdomains' }),
  listall: p.boolean({ description: 'List all resources the caller may see, not only its own' }),
  projectid: p.uuid({ description: 'List resources of this project' }),
} as const;
