// listVirtualMachines: one paged query walking the (created, id) indexes, one COUNT, and the batch name lookups of
// vm-format.ts. No per-row queries; joins happen only after LIMIT/OFFSET picked the page, because joining before
// makes SQLite join every skipped row.
import { seesEverything, whereScope } from '../../kernel/list-scope';
import type { Db } from '../../db/connect';
import type { ListScope, Services } from '../../kernel/services';
import type { Caller } from '../../identity/caller';
import type { ListResult } from '../../kernel/handler';
import { MysqlAdapter, sql, type CompiledQuery, type Expression, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/schema';
import { HOST_NAME_INDEX } from '../../db/migrations/011p-host-name-index';
import { inPageOrder, pageWindow } from '../../kernel/paging';
import { VM_STATES } from '../vm-states';
import { precompiled, selectArrays } from '../../db/precompiled';
import { customSort, orderVms, type VmSort } from './vm-sort';
import { formatVms, VM_COLUMNS, vmRowOf, type FormatOptions, type VmRow } from './vm-format';
import type { VirtualMachine } from '../../contract/responses';
import { taggedIdsQuery, type TagPair } from '../../tags/tag-store';

export type { FormatOptions };

export interface VmFilter extends VmSort {
  scope: ListScope;
  id?: string; ids?: string[]; name?: string; state?: string; zoneid?: string; podid?: string; clusterid?: string;
  hostid?: string; storageid?: string; networkid?: string; templateid?: string; isoid?: string; serviceofferingid?: string;
  haenable?: boolean; hypervisor?: string; groupid?: string; affinitygroupid?: string; userid?: string; keyword?: string;
  /** Only VMs carrying every one of these tags (tags[i].key/value). */
  tags?: TagPair[];
  /** Also expunged VMs (the result of a destroy with expunge). */
  removedToo?: boolean;
}

/** Which rows of the ordered matches a page is (limit null: all of them). */
type PageWindow = { offset: number; limit: number | null };

/** `col LIKE '%s%'` with the wildcards in `s` taken literally ('!' escapes: portable to SQLite and MySQL). */
export const likeExpr = (col: string, s: string) => sql<boolean>`${sql.ref(col)} like ${likePattern(s)} escape '!'`;
const likePattern = (s: string) => `%${s.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** Canonical state name for a filter value (case-insensitive), or null for a value no VM can have. */
function stateFilter(s: string): string | 'Present' | null {
  if (s.toLowerCase() === 'present') return 'Present';
  return VM_STATES.find((x) => x.toLowerCase() === s.toLowerCase()) ?? null;
}

function filtered(db: Db, f: VmFilter) {
  let q = f.removedToo ? db.selectFrom('vms as v') : db.selectFrom('vms as v').where('v.removed', 'is', null);
  const s = f.scope;
  q = whereScope(q, s, 'v.account_id', 'v.domain_id');
  if (f.id) q = q.where('v.id', '=', f.id);
  if (f.ids) q = q.where('v.id', 'in', f.ids.length ? f.ids : ['-']);
  if (f.name) q = q.where(likeExpr('v.name', f.name));
  if (f.state !== undefined) {
    const st = stateFilter(f.state);
    if (st === 'Present') q = q.where('v.state', 'not in', ['Destroyed', 'Expunging']);
    else q = q.where('v.state', '=', st ?? '-');
  }
  if (f.zoneid) q = q.where('v.zone_id', '=', f.zoneid);
  if (f.podid) q = q.where('v.pod_id', '=', f.podid);
  if (f.clusterid) q = q.where('v.cluster_id', '=', f.clusterid);
  if (f.hostid) q = q.where('v.host_id', '=', f.hostid);
  if (f.templateid) q = q.where('v.template_id', '=', f.templateid);
  if (f.isoid) q = q.where('v.iso_id', '=', f.isoid);
  if (f.serviceofferingid) q = q.where('v.service_offering_id', '=', f.serviceofferingid);
  if (f.haenable !== undefined) q = q.where('v.ha_enable', '=', f.haenable ? 1 : 0);
  if (f.hypervisor) q = q.where((eb) => eb(eb.fn('lower', ['v.hypervisor']), '=', f.hypervisor!.toLowerCase()));
  if (f.groupid) q = q.where('v.group_id', '=', f.groupid);
  if (f.affinitygroupid) {
    const g = f.affinitygroupid;
    q = q.where('v.id', 'in', (eb) => eb.selectFrom('affinity_group_vms').select('vm_id as id').where('group_id', '=', g) as never);
  }
  if (f.userid) q = q.where('v.user_id', '=', f.userid);
  if (f.storageid) {
    const pool = f.storageid;
    q = q.where('v.id', 'in', (eb) => eb.selectFrom('volumes').select('vm_id as id').where('pool_id', '=', pool)
      .where('removed', 'is', null).where('vm_id', 'is not', null) as never);
  }
  if (f.networkid) {
    // One of its NICs is on the network (nics_network_ip leads with network_id).
    const net = f.networkid;
    q = q.where('v.id', 'in', (eb) => eb.selectFrom('nics').select('vm_id as id').where('network_id', '=', net) as never);
  }
  if (f.tags && f.tags.length > 0) q = q.where('v.id', 'in', taggedIdsQuery(db, 'UserVm', f.tags));
  if (f.keyword) {
    const k = f.keyword;
    q = q.where((eb) => eb.or([likeExpr('v.name', k), displayNameLike(db, k), likeExpr('v.instance_name', k)]));
  }
  return q;
}

/**
 * `display_name LIKE k`, or on SQLite `nullif(display_name, name) LIKE k`: the same answer beside `name LIKE k` (a
 * display name equal to the name matches exactly when the name does), in the form migration 011k's narrow index
 * vms_keyword holds, so a keyword's count walks that index instead of the wider vms_search.
 */
function displayNameLike(db: Db, k: string) {
  if (db.getExecutor().adapter instanceof MysqlAdapter) return likeExpr('v.display_name', k);
  return sql<boolean>`nullif(${sql.ref('v.display_name')}, ${sql.ref('v.name')}) like ${likePattern(k)} escape '!'`;
}

/**
 * The page: first its ids, by the filter and the (created, id) order alone, so the OFFSET steps over an index
 * (covering for the unfiltered view) instead of reading and joining every skipped row; then those VMs' columns
 * and their host's name (a join per page row, cheaper than a batch lookup of 500 host ids).
 */
function pageQuery(db: Db, f: VmFilter, window: PageWindow, total?: Expression<number>) {
  return pageOf(db, filtered(db, f), f, window, total);
}

/**
 * The page of `matches` (a `vms as v` query already filtered). With `total` (the matches' count as an SQL
 * expression) the same page is read counted from the end, the count taken inside the statement (one snapshot), so
 * the window is exact whatever was deployed or expunged since the caller's count.
 */
function pageOf(db: Db, matches: ReturnType<typeof filtered>, s: VmSort, window: PageWindow, total?: Expression<number>) {
  let ids = orderVms(matches.select('v.id'), 'v', total ? { sortorder: 'desc' } : s);
  if (total && window.limit !== null) {
    const { limit, offset } = window;
    ids = ids.limit(sql<number>`max(0, min(${limit}, ${total} - ${offset}))`).offset(sql<number>`max(0, ${total} - ${offset} - ${limit})`);
  } else if (window.limit !== null) ids = ids.limit(window.limit).offset(window.offset);
  return pageFromIds(db, ids, s);
}

/** The VMs of a query of page ids (a column `id`), with their host's name. */
function pageFromIds(db: Db, ids: SelectQueryBuilder<Database, any, { id: string }>, s: VmSort) {
  const page = db.selectFrom(ids.as('p')).innerJoin('vms as v', 'v.id', 'p.id').leftJoin('hosts as h', 'h.id', 'v.host_id')
    .select([...VM_COLUMNS.map((c) => `v.${c}` as const), 'h.name as host_name']);
  // A sorted page is ordered again by the database (its collation, one page of rows); the default order in JS.
  return customSort(s) ? orderVms(page, 'v', s) : page;
}

/** The unfiltered page (every live VM, created order), from its start or its end: built and compiled once. */
const EVERY_VM: VmFilter = { scope: { kind: 'all' } };
type Bounds = PageWindow & { limit: number };
const everyVmPage = precompiled((db, p: Bounds) => hostNamesByIndex(pageQuery(db, EVERY_VM, p)));
const everyVmPageFromEnd = precompiled((db, p: Bounds) => hostNamesByIndex(pageQuery(db, EVERY_VM, p, LIVE_VMS)));

/** Every live VM in one (canonical) state, created order, from its start or its end: built and compiled once. */
const inState = (db: Db, state: string) => db.selectFrom('vms as v').where('v.removed', 'is', null).where('v.state', '=', state);
const statePage = precompiled((db, p: Bounds & { state: string }) => hostNamesByIndex(pageOf(db, inState(db, p.state), {}, p)));
const statePageFromEnd = precompiled((db, p: Bounds & { state: string }) =>
  hostNamesByIndex(pageOf(db, inState(db, p.state), {}, p, stateTotal(p.state))));

/**
 * On SQLite, the page's host names read from the covering index of migration 011p (one descent a VM instead of
 * two). SQL has no portable way to name an index, so the compiled text gets SQLite's `indexed by`.
 */
function hostNamesByIndex(q: { compile(): CompiledQuery }) {
  return {
    compile(db: Kysely<Database>): CompiledQuery {
      const c = q.compile();
      if (db.getExecutor().adapter instanceof MysqlAdapter) return c;
      const join = 'left join "hosts" as "h" on';
      if (!c.sql.includes(join)) throw new Error(`page query without its host join: ${c.sql}`);
      return { ...c, sql: c.sql.replace(join, `left join "hosts" as "h" indexed by "${HOST_NAME_INDEX}" on`) };
    },
  };
}

/** The page's rows in (created, id) order: a derived table's order is not kept through a join in SQL. */
async function pageRows(db: Db, f: VmFilter, window: PageWindow, fromEnd = false): Promise<VmRow[]> {
  const { limit, offset } = window;
  const state = limit !== null && !customSort(f) ? onlyState(f) : undefined;
  const arrays = limit !== null && !customSort(f) && unfilteredList(f)
    ? (fromEnd ? everyVmPageFromEnd : everyVmPage).arrays(db, { limit, offset })
    : state !== undefined ? (fromEnd ? statePageFromEnd : statePage).arrays(db, { limit: limit!, offset, state })
    : selectArrays(db, pageQuery(db, f, window));
  const rows = (await arrays).map(vmRowOf);
  return customSort(f) ? rows : inPageOrder(rows);
}

const FILTER_KEYS = ['id', 'ids', 'name', 'state', 'zoneid', 'podid', 'clusterid', 'hostid', 'storageid', 'networkid', 'templateid',
  'isoid', 'serviceofferingid', 'haenable', 'hypervisor', 'groupid', 'affinitygroupid', 'userid', 'keyword', 'tags'] as const;

/** Live VMs: all rows minus the (indexed, few) removed ones, each counted from its b-tree's pages at once. */
const LIVE_VMS = sql<number>`(select count(*) from vms) - (select count(*) from vms where removed is not null)`;

/** Below this many VMs a state is counted entry by entry; above it, from the other states (see stateCount). */
const STATE_COUNT_CAP = 2000;

/**
 * The count of every live VM in one state, exactly, as an SQL expression (one snapshot) whose cost does not grow
 * with the cloud in the usual cases: a state few VMs are in is counted directly (at most STATE_COUNT_CAP index
 * entries); a state most VMs are in (Running) is the live total minus the VMs in the states before and after it in
 * the vms_state index, counted the same bounded way. Only when both sides are large is the state's range walked in
 * full. SQLite runs each of these uncorrelated subqueries once per statement.
 */
function stateTotal(state: string) {
  // `removed + 0`: no index on `removed` alone may serve these (SQLite then picked vms_created's removed=NULL, a walk of
  // every live VM reading its row, over vms_state's range on state, which holds `removed` too: a covering walk).
  const capped = (cond: ReturnType<typeof sql>) =>
    sql`(select count(*) from (select 1 as x from vms where removed + 0 is null and ${cond} limit ${STATE_COUNT_CAP + 1}) c)`;
  const here = capped(sql`state = ${state}`);
  const before = capped(sql`state < ${state}`);
  const after = capped(sql`state > ${state}`);
  return sql<number>`(select case
    when ${here} <= ${STATE_COUNT_CAP} then ${here}
    when ${before} <= ${STATE_COUNT_CAP} and ${after} <= ${STATE_COUNT_CAP} then ${LIVE_VMS} - ${before} - ${after}
    else (select count(*) from vms where removed is null and state = ${state}) end)`;
}

const stateCount = (db: Db, state: string) => sql<{ n: number }>`select ${stateTotal(state)} as n`.execute(db);

/** The canonical state of a list of every live VM filtered by one real state alone (else undefined). */
function onlyState(f: VmFilter): string | undefined {
  const st = f.state === undefined ? undefined : stateFilter(f.state);
  return st && st !== 'Present' && unfilteredList(f, 'state') ? st : undefined;
}

/**
 * Total matches. Counting the live rows of 100,000 through an index takes milliseconds; for the unfiltered
 * everything-view, all rows minus the (indexed, few) removed ones is answered from the b-tree at once, and a
 * state alone is counted by stateCount. A substring search is counted inside the database, from a covering index
 * (vms_keyword on SQLite, vms_search on MySQL), and no row leaves it.
 */
/** Whether the list is every live VM, unfiltered (but for one filter, `except`): its count is the live total. */
const unfilteredList = (f: VmFilter, ...except: (typeof FILTER_KEYS)[number][]) => seesEverything(f.scope) && !f.removedToo &&
  FILTER_KEYS.every((k) => except.includes(k) || f[k] === undefined);

async function countOf(db: Db, f: VmFilter): Promise<number> {
  if (unfilteredList(f)) return Number((await sql<{ n: number }>`select ${LIVE_VMS} as n`.execute(db)).rows[0].n);
  const st = onlyState(f);
  if (st !== undefined) return Number((await stateCount(db, st)).rows[0].n);
  // On MySQL a substring's count walks the search index in page order, as before 011k; on SQLite (a page past the
  // matches: searchPage found no row) the plain count walks the narrow vms_keyword (011k).
  if ((f.keyword || f.name) && db.getExecutor().adapter instanceof MysqlAdapter) {
    const walk = orderVms(filtered(db, f).select('v.id'), 'v', f).as('m');
    return Number((await db.selectFrom(walk).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  }
  const r = await filtered(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Whether a page may be read from the end of the list: the default order of every live VM or of those in one state,
 * whose total the statement can count itself cheaply (LIVE_VMS, stateTotal). Only on SQLite: MySQL takes no expression in LIMIT.
 */
const countsFromEnd = (db: Db, f: VmFilter) => !customSort(f) && (unfilteredList(f) || onlyState(f) !== undefined) &&
  !(db.getExecutor().adapter instanceof MysqlAdapter);

/**
 * A substring search (keyword=, name=) walks its matches in full to count them (exactly, as CloudStack counts). On
 * SQLite its page and its count are one statement (one snapshot): the matches counted once in a materialized CTE
 * (walking the narrow vms_keyword index of 011k when only names are filtered), the count coming back beside each
 * row, and the page's ids from whichever of these walks its count selects (the others get LIMIT 0, which SQLite
 * checks before it walks anything):
 *  - the ordered matches (vms_search) from the start, or from the end for a page in their second half, each
 *    stopping at the page's last match (LIMIT min(limit, count - offset)), so a page past the matches walks nothing;
 *  - when every live VM matches (a keyword every name holds, as `VM` in CloudStack's instance names) and nothing
 *    else filters, the page of every VM (vms_created, 40% of vms_search's size), as the unfiltered list reads it.
 * Undefined on MySQL (no expression in LIMIT), for a sorted list, or when the page holds no rows (the caller then
 * counts on its own).
 */
async function searchPage(db: Db, f: VmFilter, window: PageWindow & { limit: number }): Promise<{ rows: VmRow[]; count: number } | undefined> {
  if (!(f.keyword || f.name) || customSort(f) || db.getExecutor().adapter instanceof MysqlAdapter) return undefined;
  const withCount = db.with((cte) => cte('m').materialized(), () => filtered(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))) as unknown as Db;
  const total = sql<number>`(select n from m)`;
  const { offset, limit } = window;
  const forward = sql<boolean>`(2 * ${offset} + ${limit} <= ${total})`;
  const rows = sql<number>`max(0, min(${limit}, ${total} - ${offset}))`;
  const everyLive = unfilteredList(f, 'keyword', 'name') ? sql<boolean>`(${total} = ${LIVE_VMS})` : undefined;
  const walk = (matches: ReturnType<typeof filtered>, fromStart: boolean, when: Expression<boolean>) => {
    const ids = orderVms(matches.select('v.id'), 'v', fromStart ? {} : { sortorder: 'desc' })
      .limit(sql<number>`case when ${when} and ${fromStart ? forward : sql`not ${forward}`} then ${rows} else 0 end`)
      .offset(fromStart ? offset : sql<number>`max(0, ${total} - ${offset} - ${limit})`);
    return db.selectFrom(ids.as('w')).select('w.id');
  };
  const someMatch = everyLive ? sql<boolean>`not ${everyLive}` : sql<boolean>`1`;
  let ids = walk(filtered(db, f), true, someMatch).unionAll(walk(filtered(db, f), false, someMatch));
  if (everyLive) ids = ids.unionAll(walk(allLive(db), true, everyLive)).unionAll(walk(allLive(db), false, everyLive));
  const page = pageFromIds(withCount, ids, f).select(total.as('match_count'));
  const arrays = await selectArrays(db, { compile: () => hostNamesByIndex(page).compile(db) });
  if (arrays.length === 0) return undefined;
  return { rows: inPageOrder(arrays.map(vmRowOf)), count: Number(arrays[0][MATCH_COUNT_AT]) };
}

const allLive = (db: Db) => db.selectFrom('vms as v').where('v.removed', 'is', null);

/** Where searchPage's rows carry the count: after VM_COLUMNS and the host's name. */
const MATCH_COUNT_AT = VM_COLUMNS.length + 1;

/** The ids of every match in page order: one walk of an index (a covering scan of vms_search for a substring). */
async function matchingIds(db: Db, f: VmFilter, window: PageWindow = { offset: 0, limit: null }): Promise<string[]> {
  let q = orderVms(filtered(db, f).select('v.id'), 'v', f);
  if (window.limit !== null) q = q.limit(window.limit).offset(window.offset);
  return (await selectArrays(db, q)).map((r) => r[0] as string);
}

/** The rows of the given VMs (a page's ids), in page order. */
const rowsOf = (db: Db, f: VmFilter, ids: string[]) =>
  ids.length ? pageRows(db, { scope: { kind: 'all' }, ids, removedToo: f.removedToo, sortby: f.sortby, sortorder: f.sortorder }, { offset: 0, limit: null }) : Promise.resolve([]);

/** Pages bigger than this (pagesize=-1 above all) are answered in batches of this many VMs, streamed by HTTP. */
const BATCH = 500;

/** A big page: its ids at once (ids are small), its rows read and formatted one batch at a time as they are sent. */
function batched(svc: Services, f: VmFilter, count: number, ids: string[], first: VirtualMachine[], opts: FormatOptions): ListResult<VirtualMachine> {
  async function* more() {
    for (let i = BATCH; i < ids.length; i += BATCH) yield formatVms(svc, await rowsOf(svc.db, f, ids.slice(i, i + BATCH)), opts);
  }
  return { count, items: first, more: more() };
}

/** One page of VMs and the total count. */
export async function listVms(svc: Services, f: VmFilter, paging: { page?: number; pagesize?: number },
  opts: FormatOptions): Promise<ListResult<VirtualMachine>> {
  const window = pageWindow(paging, svc.config.maxPageSize);
  const o = { ...opts, jobs: true };
  // A substring search walks the covering vms_search index in page order and stops at the page's end; its count
  // walks the matches once more inside the database, in the same statement on SQLite (searchPage). (Collecting every
  // matching id instead sent 100,000 rows to JS.)
  if (window.limit !== null && window.limit <= BATCH) {
    if (countsFromEnd(svc.db, f)) {
      // OFFSET steps over every index entry before the page: a page in the second half of all VMs is taken as
      // counted from the end (SQLite's walk of vms_created backwards), at most half the entries instead of all.
      const count = await countOf(svc.db, f);
      const rows = await pageRows(svc.db, f, window, window.offset + window.limit / 2 > count / 2);
      return { count, items: await formatVms(svc, rows, o) };
    }
    const search = await searchPage(svc.db, f, { offset: window.offset, limit: window.limit });
    if (search) return { count: search.count, items: await formatVms(svc, search.rows, o) };
    const [rows, count] = await Promise.all([pageRows(svc.db, f, window), countOf(svc.db, f)]);
    return { count, items: await formatVms(svc, rows, o) };
  }
  const [ids, count] = await Promise.all([matchingIds(svc.db, f, window), countOf(svc.db, f)]);
  const first = await formatVms(svc, await rowsOf(svc.db, f, ids.slice(0, BATCH)), o);
  return ids.length > BATCH ? batched(svc, f, count, ids, first, o) : { count, items: first };
}

/** The `virtualmachine` object of one VM (the result of VM commands), or undefined if it is gone. */
export async function vmObject(svc: Services, caller: Caller, id: string, removedToo = false): Promise<VirtualMachine | undefined> {
  const rows = await pageRows(svc.db, { scope: { kind: 'all' }, id, removedToo }, { offset: 0, limit: null });
  return rows.length ? (await formatVms(svc, rows, { caller }))[0] : undefined;
}
