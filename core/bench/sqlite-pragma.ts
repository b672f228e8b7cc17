// Benchmarks' override of one of connect.ts's SQLite settings, for every connection opened after the call: a pragma
// statement matching `match` runs as `to` instead (e.g. a bigger page cache, or no automatic checkpoints).
import SqliteDatabase from 'better-sqlite3';

export function rewritePragma(match: RegExp, to: string): void {
  const dbProto = SqliteDatabase.prototype as unknown as { pragma: (s: string, o?: unknown) => unknown };
  const orig = dbProto.pragma;
  dbProto.pragma = function (this: unknown, s: string, o?: unknown) {
    return orig.call(this, match.test(s) ? to : s, o);
  };
}
