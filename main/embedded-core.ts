// The embedded management server: the core's public entry (createCore + startServer) on 127.0.0.1 with a random
// port, and the small message protocol main uses to run it in an Electron utilityProcess (crash isolation, no UI
// stalls). The admin password travels in the start message over the private parent port, not in the environment
// (other local processes of the same user can read /proc/<pid>/environ).
import { createCore, startServer, type CoreOptions } from '../core/index';

export interface CoreLauncher {
  /** Starts the core (first start seeds the root admin `admin` with `adminPassword`) and answers its base URL. */
  start(opts: { adminPassword: string }): Promise<{ url: string }>;
  stop(): Promise<void>;
  /** Called when a started core stops without being asked to (crash, killed). */
  onExit(listener: (reason: string) => void): void;
}

export interface RunningCore { url: string; stop(): Promise<void> }

export async function runEmbeddedCore(opts: { dataDir: string; adminPassword: string; log?: CoreOptions['log'] }): Promise<RunningCore> {
  const core = await createCore({ dataDir: opts.dataDir, adminPassword: opts.adminPassword, log: opts.log });
  try {
    const server = await startServer(core, { host: '127.0.0.1', port: 0 });
    return { url: server.url, stop: async () => { await server.close(); await core.stop(); } };
  } catch (e) {
    await core.stop();
    throw e;
  }
}

/** Runs the core inside this process (tests, and a fallback where utilityProcess is unavailable). */
export function inProcessLauncher(dataDir: string, log?: CoreOptions['log']): CoreLauncher {
  let running: RunningCore | null = null;
  return {
    async start({ adminPassword }) {
      running ??= await runEmbeddedCore({ dataDir, adminPassword, log });
      return { url: running.url };
    },
    async stop() {
      const r = running;
      running = null;
      await r?.stop();
    },
    onExit() { /* an in-process core only stops when asked */ },
  };
}

// ------------------------------------------------------------------------ the utility-process message protocol
export type CoreProcessRequest = { type: 'start'; dataDir: string; adminPassword: string } | { type: 'stop' };
export type CoreProcessReply = { type: 'ready'; url: string } | { type: 'failed'; message: string } | { type: 'stopped' };

/**
 * The utility process's message handler: `start` runs the core and answers `ready` or `failed`; `stop` stops
 * it and answers `stopped`, after which the process exits. Pure enough to test with a fake port.
 */
export function createCoreProcessHandler(post: (reply: CoreProcessReply) => void, exit: (code: number) => void,
  log?: CoreOptions['log']): (message: unknown) => Promise<void> {
  let running: Promise<RunningCore> | null = null;
  return async (message) => {
    const m = message as Partial<CoreProcessRequest> | null;
    if (m?.type === 'start' && typeof (m as any).dataDir === 'string' && typeof (m as any).adminPassword === 'string') {
      const req = m as Extract<CoreProcessRequest, { type: 'start' }>;
      try {
        running ??= runEmbeddedCore({ dataDir: req.dataDir, adminPassword: req.adminPassword, log });
        post({ type: 'ready', url: (await running).url });
      } catch (e) {
        running = null;
        post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
      }
    } else if (m?.type === 'stop') {
      try { await (await running)?.stop(); } catch { /* stopping anyway */ }
      running = null;
      post({ type: 'stopped' });
      exit(0);
    }
  };
}
