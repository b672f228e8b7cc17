// Test cleanup: the QEMU processes a test started, found by the directory their files are in. No side effects at
// import (the harness of every test file imports it).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Kills every QEMU process whose command line names a path in `dir` (its sockets, pid file and disks live there).
 * QEMU daemonizes and outlives the driver or agent that started it, by design; a test that fails before it noted
 * a guest's pid (or between a migration and the next pid) must still not leave the guest running for the files
 * after it.
 */
export function killQemuProcessesUnder(dir: string): number[] {
  const killed: number[] = [];
  const under = `${path.resolve(dir)}/`;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (argv.startsWith('qemu-system') && argv.includes(under)) { process.kill(Number(d), 'SIGKILL'); killed.push(Number(d)); }
    } catch { /* gone meanwhile, or not ours to kill */ }
  }
  return killed;
}
