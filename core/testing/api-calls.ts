// Calling commands in API tests: the answer of a sync command or the result of an async one's job (with the new
// entity's id), and the error (code and text) of a call that must fail, synchronously or in its job.
import { expect } from 'vitest';
import { waitJob, type ApiReply } from './harness';

export type Call = (c: string, p?: Record<string, string>) => Promise<ApiReply>;

export async function ok(call: Call, command: string, p: Record<string, string> = {}) {
  const r = await call(command, p);
  if (r.status !== 200) throw new Error(`${command}: ${r.status} ${r.text}`);
  const inner = r.json[`${command.toLowerCase()}response`];
  if (inner?.jobid === undefined) return inner;
  const j = await waitJob(call, inner.jobid);
  if (j.jobstatus !== 1) throw new Error(`${command} job failed: ${JSON.stringify(j.jobresult)}`);
  return { ...j.jobresult, id: inner.id };
}

/** A job's failure (code and text), or the synchronous error of the submit. */
export async function fails(call: Call, command: string, p: Record<string, string>) {
  const r = await call(command, p);
  const inner = r.json[`${command.toLowerCase()}response`];
  if (r.status !== 200) return { code: r.status, text: inner.errortext as string };
  const j = await waitJob(call, inner.jobid);
  expect(j.jobstatus, JSON.stringify(j)).toBe(2);
  return { code: j.jobresultcode as number, text: j.jobresult.errortext as string };
}
