// Paging shared by every list handler: CloudStack's page/pagesize rules turned into offset and limit.

/** Offset/limit of a list query: limit defaults to maxPageSize; pagesize -1 (or no max) means all rows. */
export function pageWindow(
  args: { page?: number; pagesize?: number }, maxPageSize: number,
): { offset: number; limit: number | null } {
  const size = args.pagesize;
  const limit = size === -1 ? null : size ?? (maxPageSize > 0 ? maxPageSize : null);
  if (limit === null) return { offset: 0, limit: null };
  const page = args.page ?? 1;
  return { offset: (page - 1) * limit, limit };
}

/**
 * Puts rows back in the (created, id) page order. List queries pick a page's ids from an index first and then
 * join only those rows; SQL does not keep a derived table's order through a join, so the page is sorted here.
 */
export function inPageOrder<R extends { created: number; id: string }>(rows: R[]): R[] {
  return rows.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Pages bigger than this (pagesize=-1 above all) are answered in batches of this many rows, streamed by HTTP. */
export const STREAM_BATCH = 500;

/**
 * A big page whose keys (ids or sequence numbers: small) are known in page order: its first batch of items now, the
 * rest read and formatted one batch at a time as the HTTP layer writes them (api/stream.ts), so the server never
 * holds the whole answer.
 */
export async function batchedList<K, T>(count: number, keys: K[], load: (keys: K[]) => Promise<T[]>): Promise<{ count: number; items: T[]; more?: AsyncIterable<T[]> }> {
  const items = await load(keys.slice(0, STREAM_BATCH));
  if (keys.length <= STREAM_BATCH) return { count, items };
  async function* more() {
    for (let i = STREAM_BATCH; i < keys.length; i += STREAM_BATCH) yield await load(keys.slice(i, i + STREAM_BATCH));
  }
  return { count, items, more: more() };
}
