// The one interface the renderer uses to reach a cloud. Two transports implement it: the desktop bridge (IPC to
// main, which signs requests; the renderer never sees secrets) and fetch with a login session (browser mode).
import type { CommandName, Commands } from '../../../core/contract/commands/index';
import type { ArgsOf } from '../../../core/contract/command';
import type { ResponseOf } from '../../../core/contract/responses';

/** A CloudStack error, as data: HTTP code (errorcode), cserrorcode and the server's text. */
export class CloudError extends Error {
  constructor(readonly errorcode: number, message: string, readonly cserrorcode?: number) {
    super(message);
  }
}

export type Params = Record<string, string | number | boolean | undefined | null>;

export interface CloudClient {
  /** Stable id of the connection (prefix of every react-query key). */
  readonly connectionId: string;
  readonly connectionName: string;
  /** Runs a command; resolves with the inner response object (the value under "<command>response"). */
  call<T = any>(command: string, params?: Params, opts?: { post?: boolean }): Promise<T>;
}

/** Typed form of `call`: args checked against the command's declaration, the answer typed by its response. */
export function api<N extends CommandName>(client: CloudClient, command: N, args: ArgsOf<Commands[N]>, opts?: { post?: boolean }): Promise<ResponseOf<Commands[N]>> {
  return client.call<ResponseOf<Commands[N]>>(command, args as unknown as Params, opts);
}

/** Flattens params into CloudStack's wire form: booleans as true/false, lists comma-joined, maps as name[i].field. */
export function toWireParams(params: Params | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = String(v);
  }
  return out;
}

/** Commands that change state go by POST (CloudStack's UI does the same; GET for reads). */
export function prefersPost(command: string): boolean {
  return !/^(list|get|query|find)/.test(command);
}

/** Unwraps `{"xresponse": inner}`; throws CloudError for error envelopes. */
export function unwrapResponse(status: number, body: unknown): any {
  const obj = body && typeof body === 'object' ? (body as Record<string, any>) : {};
  const key = Object.keys(obj).find((k) => k.endsWith('response'));
  const inner = key ? obj[key] : undefined;
  if (status !== 200 || (inner && typeof inner === 'object' && 'errorcode' in inner && 'errortext' in inner)) {
    throw new CloudError(inner?.errorcode ?? status, inner?.errortext ?? `HTTP ${status}`, inner?.cserrorcode);
  }
  return inner ?? {};
}
