// Which database a test opens. By default a SQLite file; when STRATA_TEST_MYSQL names a MySQL/MariaDB server
// (mysql://user@host:port, set by the MariaDB test run's global setup, see vitest.mysql.config.ts), a database of
// its own on that server, named after the file so that re-opening the "same file" (restart tests) re-opens it.
import { createHash } from 'node:crypto';
import { openDatabase, type OpenedDb } from '../db/connect';
import { MYSQL_COLLATION } from '../db/mysql-collation';

export const testMysqlRoot = (): string | undefined => process.env.STRATA_TEST_MYSQL || undefined;

/** The database URL standing for `file` in this test run (the file itself under SQLite). */
export async function testDatabaseUrl(file: string): Promise<string> {
  const root = testMysqlRoot();
  if (!root) return file;
  const name = `t_${createHash('sha1').update(file).digest('hex').slice(0, 20)}`;
  const { createConnection } = await import('mysql2/promise');
  const c = await createConnection({ uri: root });
  try {
    await c.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE ${MYSQL_COLLATION}`);
  } finally { await c.end(); }
  return `${root.replace(/\/$/, '')}/${name}`;
}

/** Opens the test database standing for `file` (created empty on first use). */
export async function openTestDatabase(file: string): Promise<OpenedDb> {
  return openDatabase(await testDatabaseUrl(file));
}
