// How a job's outcome is stored: CloudStack's jobresult shapes for success and failure, and the envelope that
// keeps what a job needs to run again after a restart.
import type { CommandDecl } from '../contract/command';
import { CsErrorCode, ErrorCode } from '../contract/errors';
import type { Caller } from '../identity/caller';

export interface JobOutcome { status: 1 | 2; code: number; result: object }

/** jobresult for a successful job: `{"<objectname>":{...}}` or `{"success":true}` (a real boolean). */
export function successOutcome(decl: CommandDecl, value: object | void): JobOutcome {
  const r = decl.response;
  if (value !== undefined && value !== null) {
    if (r.kind === 'object') return { status: 1, code: 0, result: { [r.name]: value } };
    if (r.kind === 'raw') return { status: 1, code: 0, result: value };
  }
  const details = value && typeof (value as { displaytext?: unknown }).displaytext === 'string'
    ? { details: (value as { displaytext: string }).displaytext } : {};
  return { status: 1, code: 0, result: { success: true, ...details } };
}

/** jobresult for a failed job: the error envelope's inner object; unexpected errors become 530. */
export function failureOutcome(err: unknown): JobOutcome {
  const e = err as { errorcode?: unknown; cserrorcode?: unknown; uuidList?: unknown; message?: unknown };
  if (err instanceof Error && typeof e.errorcode === 'number') {
    const result: Record<string, unknown> = { uuidList: Array.isArray(e.uuidList) ? e.uuidList : [], errorcode: e.errorcode };
    if (typeof e.cserrorcode === 'number') result.cserrorcode = e.cserrorcode;
    result.errortext = err.message;
    return { status: 2, code: e.errorcode, result };
  }
  const text = err instanceof Error ? err.message : String(err);
  return failed(ErrorCode.InternalError, CsErrorCode.CloudRuntime, text || 'Internal error executing the job');
}

export function failed(code: number, cserrorcode: number, errortext: string): JobOutcome {
  return { status: 2, code, result: { uuidList: [], errorcode: code, cserrorcode, errortext } };
}

/**
 * The `payload` column holds this envelope rather than the bare plan payload: the job must know its caller when it
 * runs after a restart (permissions, ownership, event attribution), and the caller may have no live session then.
 * Storing the Caller snapshot avoids an identity lookup per job. `seq` orders jobs submitted in the same
 * millisecond, so recovery requeues them in submission order.
 */
/** The request id rides along so the job's log lines after a restart still name the request that made it. */
export interface StoredPayload { caller: Caller; payload: unknown; seq: number; requestId?: string }

/**
 * The caller as stored: without its user, account and domain ids, which the job row's columns hold already (the
 * payload is the row's biggest column; each id is ~50 bytes of JSON). Rows stored before keep them; both parse.
 */
export function storedCaller(c: Caller): Omit<Caller, 'userId' | 'accountId' | 'domainId'> {
  // Literals, not rest or spread: see orchestration/vm-states on spreads that add properties.
  return { username: c.username, accountName: c.accountName, accountType: c.accountType, roleId: c.roleId,
    roleType: c.roleType, domainPath: c.domainPath };
}

export function parseStored(params: string, payload: string,
  row: { user_id: string; account_id: string; domain_id: string }): { args: object; stored: StoredPayload } {
  const args = JSON.parse(params) as object;
  const stored = JSON.parse(payload) as StoredPayload;
  if (!stored || typeof stored !== 'object' || !stored.caller) throw new Error('job payload has no caller');
  const c = stored.caller;
  stored.caller = { userId: c.userId ?? row.user_id, username: c.username, accountId: c.accountId ?? row.account_id,
    accountName: c.accountName, accountType: c.accountType, roleId: c.roleId, roleType: c.roleType,
    domainId: c.domainId ?? row.domain_id, domainPath: c.domainPath };
  return { args, stored };
}
