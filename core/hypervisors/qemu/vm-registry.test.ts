// The registry reports a guest's own power-off even when another caller (the metrics collector, a sync) asks for
// the VM while QEMU is still exiting. The "QEMU" is a child process serving QMP on the VM's socket: it closes the
// socket when told and exits a moment later, as QEMU does after a guest powers off.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../kernel/services';
import type { PowerState } from '../driver';
import { connectQmp } from './qmp';
import { tempDir } from './test-support';
import { VmRegistry } from './vm-registry';
import { vmPaths, type VmRecord } from './vm-runtime';

const FAKE_QEMU = `
const net = require('node:net');
let conn = null;
net.createServer((s) => {
  conn = s;
  s.write(JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 }, package: '' }, capabilities: [] } }) + '\\r\\n');
  s.on('data', (d) => { for (const l of d.toString().split('\\n')) if (l.trim()) s.write(JSON.stringify({ return: {}, id: JSON.parse(l).id }) + '\\r\\n'); });
}).listen(process.argv[1], () => process.stdout.write('ready\\n'));
process.stdin.on('data', () => { conn.destroy(); setTimeout(() => process.exit(0), 700); });
`;

const silentLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('VM registry', () => {
  const tmp = tempDir('vmreg-');
  const procs: ChildProcess[] = [];
  afterAll(() => { for (const p of procs) p.kill('SIGKILL'); tmp.cleanup(); });

  it('reports a guest power-off to the server although a collector asked for the VM while QEMU exited', async () => {
    const vmId = 'vm-1';
    const paths = vmPaths(tmp.dir, vmId);
    mkdirSync(paths.sockDir, { recursive: true });
    const qemu = spawn(process.execPath, ['-e', FAKE_QEMU, paths.qmp], { stdio: ['pipe', 'pipe', 'inherit'] });
    procs.push(qemu);
    await new Promise((r) => qemu.stdout!.once('data', r));

    const reports: [string, PowerState][] = [];
    const reg = new VmRegistry({ workDir: tmp.dir, log: silentLog, onPowerStateChange: (_h, id, s) => reports.push([id, s]) });
    const qmp = await connectQmp(paths.qmp, { connectTimeoutMs: 3000 });
    const record = { vmId, hostId: 'h-1', instanceName: 'i-2-3-VM', volumes: [] } as unknown as VmRecord;
    reg.register(vmId, qemu.pid!, paths, record, qmp);
    expect(await reg.get(vmId)).not.toBeNull();

    qemu.stdin!.write('poweroff\n');
    await new Promise<void>((r) => qmp.onClose(r));
    // The collector's sample arrives while the process is still there: it sees no VM once QEMU is gone.
    expect(await reg.get(vmId)).toBeNull();
    expect(reports).toEqual([[vmId, 'PowerOff']]);
  });
});
