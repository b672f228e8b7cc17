// One API request from decoded parameters to a serialized CloudStack response:
// decode -> authenticate -> find command -> role check -> validate -> run (sync) or submit (async) -> serialize.
import type { Services } from '../kernel/services';
import type { Caller } from '../identity/caller';
import type { CommandDecl } from '../contract/command';
import { responseNameOf } from '../contract/command';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import type { Registry, Registered } from '../kernel/registry';
import type { CallContext, ListResult } from '../kernel/handler';
import { decodeRequest, type DecodedRequest } from './request';
import { validateArgs } from './validate';
import { encodeJson, toXml, errorInner, listInner, JSON_CONTENT_TYPE, XML_CONTENT_TYPE } from './serialize';
import { ApiError, echo } from '../kernel/errors';
import { authenticate } from './authenticate';
import { parseCookies } from '../kernel/cookies';
import { collectList, listBody, type BodyStream } from './stream';
import { loginResponse, logoutCookies, sessionCookies } from './session-http';
import { randomUUID } from 'node:crypto';
import { withBindings } from '../kernel/logger';

/** A client's request id is kept when it is a plain token (it lands in logs and a response header). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** A request line shows this much of the query and body (a form body may be megabytes). */
const LOGGED_CHARS = 2048;

export interface HttpRequestIn {
  method: string;
  rawQuery: string;
  body: string | null;
  cookieHeader?: string;
  remote?: string;
  /** The client's X-Request-Id; one is made when absent or malformed. */
  requestId?: string;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  body: string;
  /** The body already encoded as UTF-8 (JSON answers; `body` is then decoded from it when read). */
  bytes?: Buffer;
  /** Called by the HTTP front once `bytes` were sent, so their buffer can carry a later answer (never read after). */
  release?: () => void;
  headers: Record<string, string | string[]>;
  /** Instead of `body`: a big list answer, written to the socket piece by piece (api/stream.ts). */
  stream?: BodyStream;
}

export interface Dispatcher {
  handle(req: HttpRequestIn): Promise<ApiResponse>;
  /** Runs a command as `caller` without HTTP or signatures (demo seeding, benchmarks, the CLI). */
  invoke(caller: Caller, command: string, params: Record<string, string>): Promise<object>;
}

export function createDispatcher(svc: Services, registry: Registry): Dispatcher {
  const version = svc.config.version;

  function render(json: boolean, name: string, inner: object, status = 200, headers: ApiResponse['headers'] = {}): ApiResponse {
    if (!json) return { status, contentType: XML_CONTENT_TYPE, body: toXml(name, inner, version), headers };
    // Encoded once, here (the HTTP front sends the bytes); in-process readers of `body` get the text.
    const { bytes, release } = encodeJson(name, inner);
    return { status, contentType: JSON_CONTENT_TYPE, bytes, release, get body() { return bytes.toString('utf8'); }, headers };
  }

  function renderError(json: boolean, name: string, err: ApiError): ApiResponse {
    return render(json, name, errorInner(err), err.errorcode, { 'X-Description': err.message.replace(/[\r\n]/g, ' ') });
  }

  /** A list result with more batches to come, answered as a stream (over HTTP only). */
  function streamed(json: boolean, name: string, decl: CommandDecl, result: ListResult): Streamed | null {
    if (decl.response.kind !== 'list' || !result.more || result.items.length === 0) return null;
    const body = listBody(json, name, result.itemKey ?? decl.response.item, { ...result, more: result.more }, version);
    return new Streamed({ status: 200, contentType: json ? JSON_CONTENT_TYPE : XML_CONTENT_TYPE, body: '', headers: {}, stream: body });
  }

  /** Runs the command; a list handler's streamed batches are collected unless `stream` takes them as they come. */
  async function run(ctx: CallContext, r: Registered, req: DecodedRequest,
    stream?: (result: ListResult) => Streamed | null): Promise<object> {
    const args = validateArgs(r.decl, req, svc.config.maxPageSize) as never;
    if (r.async) {
      const plan = await r.async.prepare(ctx, args);
      const jobid = await svc.jobs.submit(ctx, r.decl, args, plan);
      return plan.createdId ? { id: plan.createdId, jobid } : { jobid };
    }
    const result = await r.sync!(ctx, args);
    if (r.decl.response.kind === 'list') {
      const answer = stream?.(result as ListResult);
      if (answer) return answer;
      return shapeSyncResult(r.decl, await collectList(result as ListResult));
    }
    return shapeSyncResult(r.decl, result);
  }

  /**
   * Every request gets an id, answered in X-Request-Id and bound to its log lines (and, through CallContext, to
   * the async job it submits); the request line itself is logged at debug level with its params redacted.
   */
  async function handle(http: HttpRequestIn): Promise<ApiResponse> {
    const requestId = http.requestId && CLIENT_REQUEST_ID.test(http.requestId) ? http.requestId : randomUUID();
    const log = withBindings(svc.log, { reqId: requestId });
    const started = Date.now();
    const out = await answer(http, requestId, { ...svc, log });
    out.headers['X-Request-Id'] = requestId;
    log.debug?.('api request', { method: http.method, query: http.rawQuery.slice(0, LOGGED_CHARS),
      body: http.body?.slice(0, LOGGED_CHARS) ?? null, remote: http.remote, status: out.status, ms: Date.now() - started });
    return out;
  }

  async function answer(http: HttpRequestIn, requestId: string, svc: Services): Promise<ApiResponse> {
    let json = true;
    let responseName = 'errorresponse';
    try {
      const req = decodeRequest(http.rawQuery, http.body);
      json = req.params.get('response')?.toLowerCase() === 'json';
      const command = req.params.get('command') ?? '';
      const r = registry.get(command);
      if (r) responseName = responseNameOf(r.decl);
      if (command === 'login') return await login(svc, req, http, json);
      const cookies = parseCookies(http.cookieHeader);
      const { caller, sessionKey } = await authenticate(svc, { req, cookies, commandKnown: !!r });
      if (!r || !(await svc.identity.isAllowed(caller, r.decl))) {
        responseName = 'errorresponse';
        throw new ApiError(ErrorCode.UnsupportedAction,
          `The API [${echo(command)}] does not exist or is not available for the account ${caller.accountName}.`);
      }
      if (r.decl.postOnly && http.method !== 'POST') {
        throw new ApiError(ErrorCode.MethodNotAllowed, `Please use HTTP POST to call ${command}`);
      }
      if (command === 'logout') {
        if (sessionKey) await svc.identity.logout(sessionKey);
        return render(json, responseName, { description: 'success' }, 200, { 'Set-Cookie': logoutCookies() });
      }
      const ctx: CallContext = { svc, caller, command, remote: http.remote, requestId };
      const out = await run(ctx, r, req, (result) => streamed(json, responseName, r.decl, result));
      return out instanceof Streamed ? out.response : render(json, responseName, out);
    } catch (e) {
      return renderError(json, responseName, toApiError(e, svc));
    }
  }

  async function login(svc: Services, req: DecodedRequest, http: HttpRequestIn, json: boolean): Promise<ApiResponse> {
    if (http.method !== 'POST') {
      return { status: 405, contentType: 'text/plain; charset=UTF-8', body: 'Please use HTTP POST to authenticate using this API', headers: {} };
    }
    const decl = registry.get('login')!.decl;
    try {
      const args = validateArgs(decl, req, svc.config.maxPageSize) as { username: string; password: string; domain?: string; domainid?: string };
      const { caller, sessionKey } = await svc.identity.login(args.username, args.password, { path: args.domain, id: args.domainid }, http.remote);
      return render(json, 'loginresponse', loginResponse(svc, caller, sessionKey), 200, { 'Set-Cookie': sessionCookies(sessionKey) });
    } catch (e) {
      return renderError(json, 'loginresponse', toApiError(e, svc));
    }
  }

  async function invoke(caller: Caller, command: string, params: Record<string, string>): Promise<object> {
    const r = registry.get(command);
    if (!r) throw new ApiError(ErrorCode.UnsupportedAction, `The API [${echo(command)}] does not exist`);
    const query = new URLSearchParams({ ...params, command }).toString();
    return run({ svc, caller, command }, r, decodeRequest(query, null));
  }

  return { handle, invoke };
}

/** The answer of a streamed list, told apart from a command's result object. */
class Streamed { constructor(readonly response: ApiResponse) {} }

function shapeSyncResult(decl: CommandDecl, result: unknown): object {
  switch (decl.response.kind) {
    case 'list': return listInner((result as ListResult).itemKey ?? decl.response.item, result as ListResult);
    case 'object': return { [decl.response.name]: result };
    case 'success': return { success: true, ...(result && typeof result === 'object' ? result : {}) };
    case 'raw': return result as object;
  }
}

function toApiError(e: unknown, svc: Services): ApiError {
  if (e instanceof ApiError) return e;
  svc.log.error('unhandled error in API command', { error: e instanceof Error ? e.stack : String(e) });
  return new ApiError(ErrorCode.InternalError,
    `Internal error executing command: ${e instanceof Error ? e.message : String(e)}`, CsErrorCode.InternalError);
}
