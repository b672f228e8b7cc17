// A management server in a child process that dies (SIGKILL, no cleanup) just before it writes the job row of
// the named command: the crash tests' way to stop a server between a command's rows and its job, for real.
//   node bin/run-ts.mjs core/testing/crash-server.ts <dataDir> <command>
// Prints "LISTENING <url>" once it serves.
import { createCore, startServer } from '../index';
import { silentLogger } from '../kernel/logger';
import { ADMIN_PASSWORD, TEST_SETTINGS } from './harness';

const [dataDir, crashOn] = process.argv.slice(2);
const core = await createCore({
  dataDir, adminPassword: ADMIN_PASSWORD, log: silentLogger, hostPingIntervalMs: 0, settings: TEST_SETTINGS,
  beforeJobRow: (command) => { if (command === crashOn) process.kill(process.pid, 'SIGKILL'); },
});
const server = await startServer(core, { host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${server.url}\n`);
