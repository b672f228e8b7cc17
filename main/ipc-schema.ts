// A tiny schema language for IPC payloads. One schema object per channel gives both the TypeScript type of the
// payload (`Infer<S>`) and its runtime validator (`validate`), so the two can never drift apart. Pure: imported by
// main, by the sandboxed preload (bundled) and, type-only, by the renderer. No dependencies on purpose.

export interface StringSchema {
  kind: 'string';
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Human words for the pattern, used in error messages ("letters and digits"). */
  patternHint?: string;
  /** Values refused case-insensitively (e.g. commands main manages itself). */
  forbidden?: readonly string[];
}
export interface EnumSchema<V extends string = string> { kind: 'enum'; values: readonly V[] }
export interface UrlSchema { kind: 'url'; schemes: readonly string[]; max: number }
export interface NoneSchema { kind: 'none' }
export interface OptionalSchema<S extends Schema = Schema> { kind: 'optional'; inner: S }
export interface ObjectSchema<F extends Record<string, Schema> = Record<string, Schema>> { kind: 'object'; fields: F }
export interface UnionSchema<T extends string = string, V extends Record<string, ObjectSchema> = Record<string, ObjectSchema>> {
  kind: 'union'; tag: T; variants: V;
}
export interface RecordSchema {
  kind: 'record'; key: StringSchema; value: StringSchema; maxEntries: number;
  /** Keys refused case-insensitively (e.g. `signature`, which only main may set). */
  forbiddenKeys?: readonly string[];
}

export type Schema = StringSchema | EnumSchema | UrlSchema | NoneSchema | OptionalSchema<any> | ObjectSchema<any>
  | UnionSchema<any, any> | RecordSchema;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<F> = { [K in keyof F]: F[K] extends OptionalSchema<any> ? K : never }[keyof F];
type RequiredKeys<F> = Exclude<keyof F, OptionalKeys<F>>;
type InferObject<F> = Simplify<{ [K in RequiredKeys<F>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Infer<F[K]> }>;

type InferUnion<T extends string, V> = { [K in keyof V & string]: Simplify<{ [P in T]: K } & InferObject<FieldsOf<V[K]>>> }[keyof V & string];
type FieldsOf<O> = O extends ObjectSchema<infer F> ? F : never;

/** The TypeScript type a schema accepts. */
export type Infer<S> =
  S extends { kind: 'string' } ? string
  : S extends EnumSchema<infer V> ? V
  : S extends { kind: 'url' } ? string
  : S extends { kind: 'none' } ? void
  : S extends OptionalSchema<infer I> ? Infer<I> | undefined
  : S extends ObjectSchema<infer F> ? InferObject<F>
  : S extends UnionSchema<infer T, infer V> ? InferUnion<T, V>
  : S extends { kind: 'record' } ? Record<string, string>
  : never;

export const s = {
  string: (o: Omit<StringSchema, 'kind'> = {}): StringSchema => ({ kind: 'string', ...o }),
  enum: <const V extends string>(values: readonly V[]): EnumSchema<V> => ({ kind: 'enum', values }),
  url: (schemes: readonly string[], max = 2048): UrlSchema => ({ kind: 'url', schemes, max }),
  none: (): NoneSchema => ({ kind: 'none' }),
  optional: <S extends Schema>(inner: S): OptionalSchema<S> => ({ kind: 'optional', inner }),
  object: <F extends Record<string, Schema>>(fields: F): ObjectSchema<F> => ({ kind: 'object', fields }),
  union: <T extends string, V extends Record<string, ObjectSchema>>(tag: T, variants: V): UnionSchema<T, V> =>
    ({ kind: 'union', tag, variants }),
  record: (o: Omit<RecordSchema, 'kind'>): RecordSchema => ({ kind: 'record', ...o }),
};

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `a string of ${v.length} characters` : typeof v;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

function checkString(sc: StringSchema, v: unknown, at: string): string | null {
  if (typeof v !== 'string') return `${at} must be a string (got ${describe(v)})`;
  if (sc.min !== undefined && v.length < sc.min) return sc.min === 1 ? `${at} must not be empty` : `${at} must have at least ${sc.min} characters`;
  if (sc.max !== undefined && v.length > sc.max) return `${at} must have at most ${sc.max} characters (got ${v.length})`;
  if (sc.pattern && !sc.pattern.test(v)) return `${at} must be ${sc.patternHint ?? `of the form ${sc.pattern}`}`;
  if (sc.forbidden?.some((f) => f.toLowerCase() === v.toLowerCase())) return `${at} '${v}' is not allowed here`;
  return null;
}

function checkUrl(sc: UrlSchema, v: unknown, at: string): string | null {
  if (typeof v !== 'string') return `${at} must be a URL string (got ${describe(v)})`;
  if (v.length > sc.max) return `${at} must have at most ${sc.max} characters`;
  let u: URL;
  try { u = new URL(v); } catch { return `${at} is not a valid URL: '${v}'`; }
  if (!sc.schemes.includes(u.protocol)) return `${at} must use ${sc.schemes.join(' or ')} (got ${u.protocol})`;
  if (u.username || u.password) return `${at} must not contain a user name or password`;
  return null;
}

function checkObjectFields(fields: Record<string, Schema>, v: Record<string, unknown>, at: string, skip?: string): string | null {
  for (const key of Object.keys(v)) {
    if (key !== skip && !(key in fields)) return `${at}.${key} is not an accepted field`;
  }
  for (const [key, fs] of Object.entries(fields)) {
    const err = check(fs, v[key], `${at}.${key}`);
    if (err) return err;
  }
  return null;
}

function checkRecord(sc: RecordSchema, v: unknown, at: string): string | null {
  if (!isPlainObject(v)) return `${at} must be an object of string values (got ${describe(v)})`;
  const entries = Object.entries(v);
  if (entries.length > sc.maxEntries) return `${at} must have at most ${sc.maxEntries} entries (got ${entries.length})`;
  const forbidden = new Set((sc.forbiddenKeys ?? []).map((k) => k.toLowerCase()));
  for (const [k, val] of entries) {
    const kErr = checkString(sc.key, k, `${at} key '${k}'`);
    if (kErr) return kErr;
    if (forbidden.has(k.toLowerCase())) return `${at}.${k} is set by Strata itself and may not be passed`;
    const vErr = checkString(sc.value, val, `${at}.${k}`);
    if (vErr) return vErr;
  }
  return null;
}

function check(sc: Schema, v: unknown, at: string): string | null {
  switch (sc.kind) {
    case 'string': return checkString(sc, v, at);
    case 'url': return checkUrl(sc, v, at);
    case 'none': return v === undefined || v === null ? null : `${at} must be empty (got ${describe(v)})`;
    case 'optional': return v === undefined ? null : check(sc.inner, v, at);
    case 'enum':
      return typeof v === 'string' && sc.values.includes(v) ? null : `${at} must be one of ${sc.values.map((x: string) => `'${x}'`).join(', ')}`;
    case 'object':
      return isPlainObject(v) ? checkObjectFields(sc.fields, v, at) : `${at} must be an object (got ${describe(v)})`;
    case 'union': {
      if (!isPlainObject(v)) return `${at} must be an object (got ${describe(v)})`;
      const tag = v[sc.tag];
      const variant = typeof tag === 'string' && Object.hasOwn(sc.variants, tag) ? sc.variants[tag] : undefined;
      if (!variant) return `${at}.${sc.tag} must be one of ${Object.keys(sc.variants).map((x) => `'${x}'`).join(', ')}`;
      return checkObjectFields(variant.fields, v, at, sc.tag);
    }
    case 'record': return checkRecord(sc, v, at);
  }
}

/** Null when `value` matches `schema`, else one clear sentence naming the offending field. */
export function validate(schema: Schema, value: unknown, name = 'payload'): string | null {
  return check(schema, value, name);
}
