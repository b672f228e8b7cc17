// Per-resource serialization of async jobs. Every job joins the FIFO queue of each of its lock keys at submission;
// it becomes ready when it is at the head of all of them (and its row is persisted). A job therefore holds all of
// its keys at once or none, and the jobs sharing a key run in submission order. Because every key queue is ordered
// by the same global submission order, the oldest unfinished job is always at the head of all its queues: no
// deadlock, no starvation.

export interface Lockable {
  /** Distinct lock keys. */
  readonly keys: readonly string[];
  /** Number of keys for which this job is not yet at the head of the queue. */
  waitingOn: number;
  /** False until the job may run at all (e.g. its row is not inserted yet). */
  admitted: boolean;
  /** Set once handed to the ready queue, so a job is never made ready twice. */
  queued: boolean;
}

/** A FIFO with O(1) shift (a plain array's shift is O(n) under bursts of thousands of jobs). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length() { return this.items.length - this.head; }
  push(x: T) { this.items.push(x); }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) { this.items = this.items.slice(this.head); this.head = 0; }
    return x;
  }
  drain(): T[] { const out = this.items.slice(this.head); this.items = []; this.head = 0; return out; }
}

export class LockQueue<J extends Lockable> {
  private queues = new Map<string, J[]>();
  /** Jobs holding all their keys, waiting for a worker, in the order they became ready. */
  readonly ready = new Fifo<J>();

  /** Joins the key queues in submission order. Call admit() once the job may run. */
  enqueue(job: J): void {
    job.waitingOn = 0;
    for (const key of job.keys) {
      const q = this.queues.get(key);
      if (q) { q.push(job); job.waitingOn++; } else this.queues.set(key, [job]);
    }
    this.check(job);
  }

  admit(job: J): void { job.admitted = true; this.check(job); }

  /** Removes a finished (or abandoned) job from its key queues and makes the next holders ready. */
  release(job: J): void {
    for (const key of job.keys) {
      const q = this.queues.get(key);
      if (!q) continue;
      const at = q.indexOf(job);
      if (at < 0) continue;
      q.splice(at, 1);
      if (q.length === 0) { this.queues.delete(key); continue; }
      // Only a change of head matters: the new head may now hold every key it needs.
      if (at === 0) { q[0].waitingOn--; this.check(q[0]); }
    }
  }

  /** Number of keys with queued or running jobs (tests, diagnostics). */
  get keyCount() { return this.queues.size; }

  private check(job: J) {
    if (job.waitingOn === 0 && job.admitted && !job.queued) { job.queued = true; this.ready.push(job); }
  }
}
