// Server-side prepared statements that still share a multi-statement round trip. mysql2's execute()
// (COM_STMT_EXECUTE) answers one statement per round trip, since mysql2 sends a connection's next command only after
// the last one's answer, and a round trip costs both processes more than the parsing it saves
// (core/bench/prepared-probe.ts). MariaDB's SQL-level `EXECUTE name USING value, ...` is a statement like any other,
// so it can go in the pipeline's batches: the server parses only the short EXECUTE and its values and reuses the
// statement prepared on that connection (`PREPARE name FROM '...'`, sent in the same round trip the first time).
//
// Each connection has a bounded set of slots (`strata_p0` ... ), reused least recently used first: a PREPARE with a
// name in use replaces that statement, so the server never holds more than SLOTS statements per connection (MariaDB
// limits them server-wide: max_prepared_stmt_count, 16,382 by default). After any error on a round trip that held
// a PREPARE or an EXECUTE, what the server holds is unknown, so the connection's slots are forgotten and the next
// use prepares again. A connection's prepared statements end with it.
import type { CompiledQuery } from 'kysely';
import type { PoolConnection } from 'mysql2';
import { escape, format } from 'mysql2';

const SLOTS = 32;
/** A statement with more values than this (a bulk INSERT of many rows) varies with its row count: sent as text. */
const MOST_PARAMETERS = 100;

interface Slots { byText: Map<string, string>; free: string[] }
const perConnection = new WeakMap<PoolConnection, Slots>();

/** Whether statements go prepared: STRATA_MYSQL_PREPARED=0 turns it off, and core/bench/cost.ts --ab-prepared flips
 *  it between slices of deploys to compare both in the same minutes. Either way the results are the same. */
export const preparedStatements = { on: process.env.STRATA_MYSQL_PREPARED !== '0' };

export const preparable = (q: CompiledQuery): boolean =>
  preparedStatements.on && q.parameters.length > 0 && q.parameters.length <= MOST_PARAMETERS && !/\b(prepare|execute)\b/i.test(q.sql.slice(0, 16));

const placeholders = new Map<number, string>();
function executeTemplate(name: string, n: number): string {
  let list = placeholders.get(n);
  if (list === undefined) placeholders.set(n, list = Array.from({ length: n }, () => '?').join(', '));
  return `execute ${name} using ${list}`;
}

/** MySQL's EXECUTE takes only user variables (`USING @a`); MariaDB's takes values (10.2.3 and later). */
const executesValues = new WeakMap<PoolConnection, boolean>();
function takesValues(conn: PoolConnection): boolean {
  let yes = executesValues.get(conn);
  if (yes === undefined) {
    const version = (conn as unknown as { _handshakePacket?: { serverVersion?: string } })._handshakePacket?.serverVersion ?? '';
    executesValues.set(conn, yes = /mariadb/i.test(version));
  }
  return yes;
}

/**
 * The statements to send on `conn` for `q`: its EXECUTE, after its PREPARE if the connection has not prepared it
 * (or no longer holds it); null on a server whose EXECUTE takes no values (MySQL): the plain text goes instead.
 * Values are escaped by mysql2 as in the plain text.
 */
export function preparedTexts(conn: PoolConnection, q: CompiledQuery): string[] | null {
  if (!takesValues(conn)) return null;
  let slots = perConnection.get(conn);
  if (!slots) perConnection.set(conn, slots = { byText: new Map(), free: Array.from({ length: SLOTS }, (_, i) => `strata_p${i}`) });
  const execute = (name: string) => format(executeTemplate(name, q.parameters.length), q.parameters as Parameters<typeof format>[1], false, 'local');
  const known = slots.byText.get(q.sql);
  if (known !== undefined) {
    // Most recently used last: the map's first entry is the one to reuse when all slots are taken.
    slots.byText.delete(q.sql);
    slots.byText.set(q.sql, known);
    return [execute(known)];
  }
  let name = slots.free.pop();
  if (name === undefined) {
    const [oldest, oldName] = slots.byText.entries().next().value as [string, string];
    slots.byText.delete(oldest);
    name = oldName;
  }
  slots.byText.set(q.sql, name);
  return [`prepare ${name} from ${escape(q.sql)}`, execute(name)];
}

/** After an error, the connection's prepared statements are unknown: prepare each again on its next use. */
export function forgetPrepared(conn: PoolConnection): void {
  perConnection.delete(conn);
}
