// The console service: issues one-time console endpoints (createConsoleEndpoint), admits WebSocket connections
// that present a token, and closes the consoles of VMs that stop. One per core; startServer attaches its routes.
import { createHash, timingSafeEqual } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../kernel/services';
import type { Caller } from '../identity/caller';
import type { VmTable } from '../db/schema';
import { CONSOLE_PAGE_PATH, CONSOLE_WEBSOCKET_PATH, ConsoleCloseCode, type ConsoleEndpointResponse } from '../contract/commands/console';
import { parseCookies } from '../kernel/cookies';
import { driverFor } from '../orchestration/vm/infra';
import { vmById } from '../orchestration/vm/vm-rows';
import { SharedConsoleTokens, type ConsoleTicket } from './tokens';
import { driverVncOpener, offersConsole, type OpenVncStream } from './vnc-stream';
import { createConsoleProxy } from './proxy';
import { clusterVncOpener, PEER_VNC_PATH, peerVncUpgrade } from './peer-vnc';
import type { UpgradeHandler } from '../api/http-server';
import { createConsolePageRoute } from './page';

export interface ConsoleServiceOptions {
  /** How long an unused token stays valid (default 60 s, as CloudStack). */
  ttlMs?: number;
  /** How often forgotten tokens are swept from memory (default 30 s). */
  sweepIntervalMs?: number;
  /** The built renderer: a `console.html` there replaces the built-in console page (default dist/renderer). */
  uiDir?: string;
  /** How VNC servers are reached (default: ask the host's driver). */
  openVncStream?: OpenVncStream;
}

/** Whether a WebSocket may connect, and to what. Refusals carry the HTTP status and text of the upgrade answer. */
export type Admission =
  | { ok: true; ticket: ConsoleTicket; vm: VmTable }
  | { ok: false; status: number; text: string };

export interface ConsoleService {
  /** createConsoleEndpoint for a VM the caller was allowed to see. */
  createEndpoint(caller: Caller, vm: VmTable, extra?: string): Promise<ConsoleEndpointResponse>;
  /** The base URL clients reach this server at (startServer sets it); a wildcard bind becomes the host name. */
  setPublicUrl(url: string): void;
  /** HTTP route for the console page, and upgrade routes for the proxy WebSocket. */
  routes(): { http(req: IncomingMessage, res: ServerResponse): boolean; upgrade: Record<string, UpgradeHandler> };
  /** Tokens waiting to be used and open console sessions (tests and metrics). */
  stats(): { sessions: number };
  /** Console tokens issued (by any server on the database) and neither used nor expired. */
  pendingTokens(): Promise<number>;
  /** Closes every open console (code 1001, the server is going away). */
  disconnectAll(): Promise<void>;
  /** disconnectAll, and stops the token sweeper and the VM state subscription. */
  close(): Promise<void>;
}

const DEFAULT_UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'renderer');
/** VM states in which a console stays open; any other state closes it. */
const CONSOLE_STATES = new Set(['Running', 'Migrating']);

const sha = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(sha(a), sha(b));

export function createConsoleService(svc: Services, opts: ConsoleServiceOptions = {}): ConsoleService {
  const tokens = new SharedConsoleTokens(svc.db, svc.clock, opts.ttlMs ?? 60_000);
  const local = driverVncOpener(svc);
  // Hosts of other management servers are reached through their owner (peer-vnc.ts).
  const open = opts.openVncStream ?? clusterVncOpener(svc, local);
  let publicUrl: URL | null = null;

  async function admit(token: string, extra: string | null, cookieHeader: string | undefined): Promise<Admission> {
    // Read before the token is redeemed: nothing about the request may burn a token without using it.
    const sessionKey = parseCookies(cookieHeader).sessionkey;
    const r = await tokens.redeem(token);
    if (!r.ok) {
      const text = r.why === 'used' ? 'This console token was already used; ask for a new one with createConsoleEndpoint'
        : r.why === 'expired' ? 'This console token expired; ask for a new one with createConsoleEndpoint'
          : 'Invalid console token';
      return { ok: false, status: 401, text };
    }
    const t = r.ticket;
    if (t.extra !== null && (extra === null || !sameSecret(t.extra, extra))) {
      return { ok: false, status: 401, text: 'The extra security token does not match' };
    }
    // A client that shows a session (browser mode) must be the user the token was issued to.
    const session = sessionKey ? await svc.identity.bySession(sessionKey).catch(() => null) : null;
    if (session && session.userId !== t.caller.userId) {
      return { ok: false, status: 403, text: 'This console token was issued to another user' };
    }
    const vm = await vmById(svc.db, t.vmId);
    if (!vm) return { ok: false, status: 410, text: 'The VM of this console no longer exists' };
    if (vm.state !== 'Running' || !vm.host_id) {
      return { ok: false, status: 409, text: `VM ${vm.name} is not running (it is ${vm.state})` };
    }
    // Rights may have been taken away since the token was issued.
    try {
      await svc.identity.checkAccess(t.caller, { accountId: vm.account_id, domainId: vm.domain_id });
    } catch {
      return { ok: false, status: 403, text: `User ${t.caller.username} may not access VM ${vm.name}` };
    }
    return { ok: true, ticket: t, vm };
  }

  const proxy = createConsoleProxy({ admit, open, log: svc.log });
  const page = createConsolePageRoute({ uiDir: opts.uiDir ?? DEFAULT_UI_DIR });

  const unsubscribe = svc.events.subscribe((n) => {
    if (n.kind === 'state' && n.resourceType === 'VirtualMachine' && !CONSOLE_STATES.has(n.state)) {
      proxy.closeVm(n.resourceId, ConsoleCloseCode.VmStopped, `The VM is ${n.state}`);
    }
  });
  const sweeper = setInterval(() => { tokens.sweep().catch((e: Error) => svc.log.warn('console token sweep failed', { error: e.message })); },
    opts.sweepIntervalMs ?? 30_000);
  sweeper.unref();

  const fail = (details: string): ConsoleEndpointResponse => ({ success: false, details });

  return {
    async createEndpoint(caller, vm, extra) {
      if (publicUrl === null) return fail('The console proxy is not available: this management server has no HTTP listener');
      if (vm.state !== 'Running' || !vm.host_id) {
        return fail(`VM ${vm.name} is not running (it is ${vm.state}); a console is available for Running VMs only`);
      }
      const driver = await driverFor(svc, vm.host_id).catch(() => null);
      if (!driver) return fail(`The host of VM ${vm.name} is not available`);
      if (!offersConsole(driver)) return fail(`Console access is not supported for VMs on ${driver.hypervisor} hosts`);
      const { token } = await tokens.issue(vm.id, caller, extra ?? null);
      svc.log.info('console token issued', { vm: vm.id, user: caller.userId });
      const q = new URLSearchParams({ token });
      if (extra) q.set('extra', extra);
      const base = publicUrl.href.replace(/\/$/, '');
      const port = publicUrl.port || (publicUrl.protocol === 'https:' ? '443' : '80');
      return {
        success: true, url: `${base}/${CONSOLE_PAGE_PATH}?${q}`,
        websocket: { token, host: publicUrl.hostname, port, path: CONSOLE_WEBSOCKET_PATH, ...(extra ? { extra } : {}) },
      };
    },
    setPublicUrl(url) {
      const u = new URL(url);
      if (u.hostname === '0.0.0.0' || u.hostname === '[::]') u.hostname = hostname();
      publicUrl = u;
    },
    routes: () => ({ http: page, upgrade: { [`/${CONSOLE_WEBSOCKET_PATH}`]: proxy.upgrade, [PEER_VNC_PATH]: peerVncUpgrade(svc, local) } }),
    stats: () => ({ sessions: proxy.count() }),
    pendingTokens: () => tokens.pending(),
    disconnectAll: () => proxy.closeAll(ConsoleCloseCode.ServerShutdown, 'The management server is shutting down'),
    async close() {
      clearInterval(sweeper);
      unsubscribe();
      await proxy.closeAll(ConsoleCloseCode.ServerShutdown, 'The management server is shutting down');
    },
  };
}
