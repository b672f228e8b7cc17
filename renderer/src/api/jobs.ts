// Async jobs as the console shows them: submit, poll queryAsyncJobResult, keep the history in the jobs store.
import { CloudError, type CloudClient, type Params } from './cloud-client';
import { useJobsStore } from '../state/jobs-store';
import { followDownload, followedId } from './download-follow';

const POLL_MS = 500;

export interface JobOutcome { jobid: string; status: 1 | 2; result: any; errortext?: string }

/** Waits for a job to finish; resolves with the outcome (never throws for a failed job). */
export async function pollJob(client: CloudClient, jobid: string, onProgress?: (p: number) => void): Promise<JobOutcome> {
  for (;;) {
    const j = await client.call('queryAsyncJobResult', { jobid });
    if (j.jobstatus === 0) {
      onProgress?.(j.jobprocstatus ?? 0);
      await new Promise((r) => setTimeout(r, POLL_MS));
      continue;
    }
    return j.jobstatus === 1
      ? { jobid, status: 1, result: j.jobresult }
      : { jobid, status: 2, result: j.jobresult, errortext: j.jobresult?.errortext ?? 'failed' };
  }
}

/**
 * Runs a command; if the answer is an async job, records it in the jobs panel and follows it to the end.
 * Resolves with the job's result object (or the sync answer); rejects with CloudError when it fails.
 */
export async function runCommand(client: CloudClient, command: string, params: Params, label: string): Promise<any> {
  const jobs = useJobsStore.getState();
  const localId = jobs.start({ connectionId: client.connectionId, command, label });
  try {
    const answer = await client.call(command, params);
    if (!answer?.jobid) {
      const image = followedId(command, answer);
      if (image) {
        // The caller has its answer now; the panel entry stays running until the download ends either way.
        jobs.update(localId, { resourceId: image });
        void followDownload(client, command, image).then(
          () => jobs.finish(localId, { status: 'succeeded' }),
          (e: unknown) => jobs.finish(localId, { status: 'failed', error: e instanceof Error ? e.message : String(e) }));
        return answer;
      }
      jobs.finish(localId, { status: 'succeeded' });
      return answer;
    }
    jobs.update(localId, { jobid: answer.jobid, resourceId: answer.id });
    const out = await pollJob(client, answer.jobid, (p) => jobs.update(localId, { progress: p }));
    if (out.status === 2) throw new CloudError(out.result?.errorcode ?? 530, out.errortext ?? 'failed');
    jobs.finish(localId, { status: 'succeeded' });
    return out.result;
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    jobs.finish(localId, { status: 'failed', error: text });
    throw e;
  }
}
