// A command is declared once here; the dispatcher, listApis, validation and the renderer's typed client derive
// from these declarations. Handlers live in the core and are bound to declarations by name.
import type { ParamsSchema, ParamsOf } from './params';
import type { Authorized } from './roles';

export type ResponseShape =
  /** `{"<cmd>response":{"count":N,"<item>":[...]}}` */
  | { kind: 'list'; item: string }
  /** `{"<cmd>response":{"<name>":{...}}}`; for async commands the jobresult is `{"<name>":{...}}` */
  | { kind: 'object'; name: string }
  /** `{"<cmd>response":{"success":true}}` */
  | { kind: 'success' }
  /** The handler's object is the response body itself, no inner wrapper (login, queryAsyncJobResult). */
  | { kind: 'raw' };

export interface CommandDecl<S extends ParamsSchema = ParamsSchema> {
  name: string;
  description: string;
  since?: string;
  /** Answered with a jobid at once; the work runs as an async job. */
  async: boolean;
  /** Async create: the submit answer also carries the new entity's `id`. */
  creates?: boolean;
  /** Role types allowed when no role rule matches (CloudStack's `authorized`). */
  authorized: Authorized;
  params: S;
  response: ResponseShape;
  /** Envelope name when it is not `lowercase(name) + "response"` (CloudStack's legacy exceptions). */
  responseName?: string;
  /** `jobinstancetype` of the async job (VirtualMachine, Host, Volume, ...). */
  instanceType?: string;
  /** Only POST is accepted (login). */
  postOnly?: boolean;
  /** Callable without authentication (login). */
  unauthenticated?: boolean;
}

type DeclInput<S extends ParamsSchema> = Omit<CommandDecl<S>, 'name'>;

/** Declares a family of commands keyed by API name; the key becomes the command's name. */
export function defineCommands<const T extends Record<string, DeclInput<ParamsSchema>>>(
  decls: T,
): { [K in keyof T & string]: CommandDecl<T[K]['params']> & T[K] & { name: K } } {
  const out: Record<string, CommandDecl> = {};
  for (const [name, d] of Object.entries(decls)) out[name] = { ...d, name };
  return out as never;
}

export function responseNameOf(decl: Pick<CommandDecl, 'name' | 'responseName'>): string {
  return decl.responseName ?? `${decl.name.toLowerCase()}response`;
}

export type ArgsOf<D> = D extends CommandDecl<infer S> ? ParamsOf<S> : never;
