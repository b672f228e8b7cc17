// Whether a database error is a unique-key conflict (SQLite and MySQL/MariaDB), for inserts that take a value
// (an address, a VLAN) first come first served and retry with the next one when another writer won it.
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; errno?: number } | null;
  return err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    || err?.code === 'ER_DUP_ENTRY' || err?.errno === 1062;
}
