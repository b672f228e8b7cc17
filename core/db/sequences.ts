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
  const held = new Map<string, { next: number; end: number }>();
  const pending = new Map<string, Promise<void>>();

  async function reserve(name: string): Promise<void> {
    // The row lock taken by the UPDATE (InnoDB) or the write transaction (SQLite) makes the read that follows see
    // exactly this server's advance.
    const start = await db.transaction().execute(async (trx) => {
      await trx.updateTable('sequences').set({ next_value: sql<number>`next_value + ${block}` }).where('name', '=', name).execute();
      const row = await trx.selectFrom('sequences').select('next_value').where('name', '=', name).executeTakeFirst();
      if (!row) throw new Error(`sequence ${name} does not exist`);
      return Number(row.next_value) - block;
    });
    held.set(name, { next: start, end: start + block });
  }

  return {
    async next(name) {
      for (;;) {
        const h = held.get(name);
        if (h && h.next < h.end) return h.next++;
        let p = pending.get(name);
        if (!p) {
          p = reserve(name).finally(() => pending.delete(name));
          pending.set(name, p);
        }
        await p;
      }
    },
  };
}
