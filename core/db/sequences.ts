// Counters every management server on the database draws from (table `sequences`, migration 013b). A server
// reserves a block of numbers with one atomic read-and-advance of the row, then hands them out from memory: numbers
// are unique across servers (never twice), increasing per server, with gaps where a stopped server's block was
// left unused, as CloudStack's own id sequences have.
import { sql } from 'kysely';
import type { Db } from './connect';

export interface Sequences {
  /** The next number of the named sequence (the row must exist: migrations create it). */
  next(name: string): Promise<number>;
}

export function createSequences(db: Db, opts: { block?: number } = {}): Sequences {
  const block = opts.block ?? 16;
  const counters = new Map<string, Counter>();

  /** Advances the row by `size` in one atomic step; resolves with the first number of the block reserved. */
  async function reserve(name: string, size: number): Promise<number> {
    // The row lock taken by the UPDATE (InnoDB) or the write transaction (SQLite) makes the read that follows see
    // exactly this server's advance.
    return db.transaction().execute(async (trx) => {
      await trx.updateTable('sequences').set({ next_value: sql<number>`next_value + ${size}` }).where('name', '=', name).execute();
      const row = await trx.selectFrom('sequences').select('next_value').where('name', '=', name).executeTakeFirst();
      if (!row) throw new Error(`sequence ${name} does not exist`);
      return Number(row.next_value) - size;
    });
  }

  /**
   * Callers waiting for numbers queue in order; one reservation at a time serves every caller queued when it
   * starts (a block of at least their number), so a burst of N callers costs about one round trip, not N / block
   * round trips with every caller woken after each (a thousand concurrent deploys spent 3% of their CPU there).
   */
  function refill(name: string, c: Counter): void {
    if (c.reserving || c.waiting.length === 0) return;
    c.reserving = true;
    const wanted = c.waiting.length;
    reserve(name, Math.max(block, wanted)).then((start) => {
      c.next = start;
      c.end = start + Math.max(block, wanted);
      for (const w of c.waiting.splice(0, c.end - c.next)) w.resolve(c.next++);
    }, (err: unknown) => {
      for (const w of c.waiting.splice(0, wanted)) w.reject(err);
    }).finally(() => {
      c.reserving = false;
      refill(name, c);
    });
  }

  return {
    next(name) {
      let c = counters.get(name);
      if (!c) counters.set(name, (c = { next: 0, end: 0, reserving: false, waiting: [] }));
      if (c.waiting.length === 0 && c.next < c.end) return Promise.resolve(c.next++);
      return new Promise<number>((resolve, reject) => {
        c.waiting.push({ resolve, reject });
        refill(name, c);
      });
    },
  };
}

interface Counter {
  /** The held block: numbers next .. end - 1 are this server's to hand out. */
  next: number;
  end: number;
  reserving: boolean;
  waiting: { resolve: (n: number) => void; reject: (e: unknown) => void }[];
}
