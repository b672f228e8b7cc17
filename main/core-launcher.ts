// Launches the embedded core in an Electron utilityProcess and speaks the protocol of embedded-core.ts with it.
// `fork` is Electron's `utilityProcess.fork`, passed in, so this file has no Electron import and tests can hand it
// a fake process.
import type { CoreLauncher, CoreProcessReply, CoreProcessRequest } from './embedded-core';

export interface UtilityProcessLike {
  postMessage(message: any): void;
  on(event: 'message', listener: (message: any) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type ForkLike = (modulePath: string, args: string[], options: { serviceName: string; stdio: 'inherit' | 'pipe' }) => UtilityProcessLike;

export interface UtilityLauncherOptions {
  fork: ForkLike;
  /** Path of the bundled core-process entry. */
  entry: string;
  dataDir: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export function utilityProcessLauncher(o: UtilityLauncherOptions): CoreLauncher {
  const exitListeners: ((reason: string) => void)[] = [];
  let child: UtilityProcessLike | null = null;
  let url: string | null = null;
  let stopping = false;
  let exited: Promise<number> = Promise.resolve(0);

  const send = (m: CoreProcessRequest) => child?.postMessage(m);

  async function start({ adminPassword }: { adminPassword: string }): Promise<{ url: string }> {
    if (child && url) return { url };
    stopping = false;
    const proc = o.fork(o.entry, [], { serviceName: 'Strata core', stdio: 'inherit' });
    child = proc;
    let onExit!: (code: number) => void;
    exited = new Promise<number>((r) => { onExit = r; });
    const ready = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the embedded core did not start within ${(o.startTimeoutMs ?? 60_000) / 1000} s`)),
        o.startTimeoutMs ?? 60_000);
      proc.on('message', (m: CoreProcessReply) => {
        if (m?.type === 'ready') { clearTimeout(timer); resolve(m.url); }
        if (m?.type === 'failed') { clearTimeout(timer); reject(new Error(`the embedded core failed to start: ${m.message}`)); }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        onExit(code);
        const wasReady = child === proc && url !== null;
        if (child === proc) { child = null; url = null; }
        reject(new Error(`the embedded core exited during start (exit code ${code})`));
        if (wasReady && !stopping) for (const l of exitListeners) l(`the embedded core stopped unexpectedly (exit code ${code})`);
      });
    });
    send({ type: 'start', dataDir: o.dataDir, adminPassword });
    try {
      url = await ready;
    } catch (e) {
      proc.kill();
      if (child === proc) child = null;
      throw e;
    }
    return { url };
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc) return;
    stopping = true;
    send({ type: 'stop' });
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), o.stopTimeoutMs ?? 15_000).unref?.());
    if ((await Promise.race([exited, timeout])) === 'timeout') proc.kill();
    child = null;
    url = null;
  }

  return { start, stop, onExit: (l) => { exitListeners.push(l); } };
}
