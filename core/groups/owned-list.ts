// Listing rows an account owns (instance groups, affinity groups): the caller's list scope, a name filter and a
// page, as every owned resource is listed.
import { whereScope } from '../kernel/list-scope';
import type { CallContext } from '../kernel/handler';
import { pageWindow } from '../kernel/paging';

export { whereScope as scoped };

/** One page of `q` (ordered by name, id) and the total count, formatted by `format`. */
export async function pageOf<R, T>(ctx: CallContext, q: any, a: { page?: number; pagesize?: number },
  format: (r: R) => Promise<T>): Promise<{ count: number; items: T[] }> {
  const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
  let page = q.selectAll().orderBy('name').orderBy('id');
  if (limit !== null) page = page.limit(limit).offset(offset);
  const [total, rows] = await Promise.all([q.select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(), page.execute()]);
  const items: T[] = [];
  for (const r of rows as R[]) items.push(await format(r));
  return { count: Number((total as { n: number }).n), items };
}

