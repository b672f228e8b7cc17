// The event log: action events (listEvents), alerts (listAlerts) and the in-process notification fan-out that the
// /events WebSocket and the job manager use.
//
// record() is a group commit: events recorded during one event-loop turn (e.g. by hundreds of concurrent deploy
// jobs) are written with one multi-row INSERT, and each caller's promise resolves once its row is committed, so an
// action that awaited record() is visible to listEvents right away. flush() covers callers that did not await.
import type { Db } from '../db/connect';
import type { EventTable } from '../db/schema';
import type { Clock, EventInput, EventLog, Logger, Notification } from '../kernel/services';
import { createWriteBatch } from '../jobs/write-batch';
import { allColumns, precompiledInsertMany } from '../db/precompiled';
import { withoutRepeatedKind } from './event-text';

export interface EventLogDeps { db: Db; clock: Clock; newId: () => string; log: Logger }

export interface FlushableEventLog extends EventLog {
  /** Resolves when every event recorded so far is committed. */
  flush(): Promise<void>;
}

/** listEvents flushes first when the event log supports it (other EventLog implementations may not). */
export function isFlushable(e: EventLog): e is FlushableEventLog {
  return typeof (e as Partial<FlushableEventLog>).flush === 'function';
}

type EventRow = Omit<EventTable, 'seq'>;

// Written in batches of hundreds under load: compiled once (db/precompiled).
export const EVENT_COLUMNS = allColumns<EventRow>()(['id', 'type', 'level', 'description', 'state', 'user_id', 'account_id',
  'domain_id', 'resource_id', 'resource_type', 'resource_name', 'parent_id', 'created', 'archived']);
const insertEvents = precompiledInsertMany('events', EVENT_COLUMNS);

export function createEventLog(deps: EventLogDeps): FlushableEventLog {
  const { db, clock, newId, log } = deps;
  const subscribers = new Set<(n: Notification) => void>();
  // 14 columns a row: 500 rows stay far below SQLite's limit of bound parameters per statement.
  const inserts = createWriteBatch<EventRow>((rows) => insertEvents(db, rows), 500);

  function notify(n: Notification) {
    for (const fn of subscribers) {
      try {
        fn(n);
      } catch (err) {
        log.warn('event subscriber failed', { error: String(err) });
      }
    }
  }

  async function record(e: EventInput): Promise<string> {
    const id = newId();
    const created = clock.now();
    const level = e.level ?? 'INFO';
    const state = e.state ?? 'Completed';
    const description = withoutRepeatedKind(e.description);
    await inserts.add({
      id, type: e.type, level, description, state, user_id: e.userId ?? null,
      account_id: e.accountId ?? null, domain_id: e.domainId ?? null, resource_id: e.resourceId ?? null,
      resource_type: e.resourceType ?? null, resource_name: e.resourceName ?? null, parent_id: e.parentId ?? null,
      created, archived: 0,
    });
    // Announced after the commit, so a subscriber that refetches listEvents sees it.
    // (A literal, not `{ ...e, id, created }`: see orchestration/vm-states on spreads that add properties.)
    if (subscribers.size > 0) {
      notify({ kind: 'event', event: { type: e.type, description, level, state, resourceId: e.resourceId,
        resourceType: e.resourceType, resourceName: e.resourceName, parentId: e.parentId, userId: e.userId,
        accountId: e.accountId, domainId: e.domainId, id, created } });
    }
    return id;
  }

  async function alert(a: Parameters<EventLog['alert']>[0]): Promise<void> {
    await db.insertInto('alerts').values({
      id: newId(), type: a.type, name: a.name, description: withoutRepeatedKind(a.description), zone_id: a.zoneId ?? null,
      pod_id: a.podId ?? null, cluster_id: a.clusterId ?? null, sent: clock.now(), archived: 0,
    }).execute();
  }

  return {
    record,
    alert,
    notify,
    subscribe(fn) {
      subscribers.add(fn);
      return () => { subscribers.delete(fn); };
    },
    flush: () => inserts.flush(),
  };
}
