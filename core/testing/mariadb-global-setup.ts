// vitest global setup of the MariaDB run (vitest.mysql.config.ts): one private mariadbd for the whole run; every
// test database (core/testing/test-db.ts) is a database of its own on it. A server given in STRATA_TEST_MYSQL is
// used as is.
import { startMariaDb, type MariaDbServer } from './mariadb';

let server: MariaDbServer | undefined;

export async function setup(): Promise<void> {
  if (process.env.STRATA_TEST_MYSQL) return;
  server = await startMariaDb();
  process.env.STRATA_TEST_MYSQL = server.rootUrl;
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
