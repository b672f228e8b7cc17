// The integration suite on a real MariaDB (npm run test:mysql): the same test files as under SQLite, with every test
// database on a private mariadbd the global setup starts from Debian's mariadb-server (core/testing/mariadb.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'core/api/api.test.ts', 'core/api/cs-client.test.ts',
      'core/jobs/*.test.ts',
      'core/identity/*.test.ts',
      'core/orchestration/vm/{deploy,lifecycle,list-migrate,api,instance-names,vm-count}.test.ts', 'core/orchestration/storage/storage.test.ts',
      'core/orchestration/planner.test.ts',
      'core/infrastructure/*.test.ts', 'core/hosts/*.test.ts',
      'core/catalog/{offerings,seed,templates}.test.ts',
      'core/events/events.test.ts', 'core/cluster/*.test.ts',
      'core/demo.test.ts',
      'core/db/mysql*.test.ts', 'core/db/copy-database.test.ts',
      'core/network/*.test.ts', 'core/network/edge/edge-api.test.ts', 'core/settings/*.test.ts', 'core/groups/*.test.ts', 'core/projects/*.test.ts',
      'core/metrics/store.test.ts',
    ],
    // Not database tests: what two cores in one process share, the guest networks' data path on real QEMU guests
    // (one host and two agent hosts), and the scheduler's QEMU guest and its crash child (which runs on SQLite), are
    // checked once, under SQLite.
    exclude: ['core/cluster/core-isolation.test.ts', 'core/network/kvm-network.test.ts', 'core/network/kvm-network-hosts.test.ts', 'core/jobs/scheduler-qemu.test.ts', 'core/jobs/scheduler-crash.test.ts'],
    globalSetup: ['core/testing/mariadb-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One small machine: two test files at a time keep MariaDB's fsyncs and the CPU shared fairly.
    maxWorkers: 2,
  },
});
