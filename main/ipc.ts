// The one way main answers IPC: `handle(channel, fn)` checks who is asking (our app's origin, the main frame of a
// window we created), validates the payload against the contract, and turns every failure into `{ok:false}` data.
// No Electron import: the ipcMain object and the events are passed in, so tests drive it with plain objects.
import {
  validateRequest, invokeChannelNames, type IpcError, type IpcResult, type InvokeChannel, type RequestOf, type ResponseOf,
  type EventChannel, type EventPayload,
} from './ipc-contract';
import { isSameOrigin } from './security';

/** Throw this from a handler to answer a specific error code; anything else thrown becomes 'internal'. */
export class IpcFailure extends Error {
  constructor(readonly error: IpcError) { super(error.message); }
}

export const fail = (code: IpcError['code'], message: string, extra: Partial<IpcError> = {}): never => {
  throw new IpcFailure({ code, message, ...extra });
};

export interface FrameLike { url: string; parent?: unknown; processId?: number; routingId?: number }
export interface IpcEventLike { sender: object & { mainFrame?: FrameLike | null }; senderFrame?: FrameLike | null }

export interface SenderPolicy {
  appOrigin: string;
  /** Web contents of the app's own windows (main.ts records each window it opens). */
  trusted: WeakSet<object>;
}

function sameFrame(a: FrameLike, b: FrameLike | null | undefined): boolean {
  if (!b) return false;
  if (a === b) return true;
  return a.processId !== undefined && a.routingId !== undefined && a.processId === b.processId && a.routingId === b.routingId;
}

/** Null when the sender may call us, else why not. */
export function checkSender(event: IpcEventLike, policy: SenderPolicy): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (!policy.trusted.has(event.sender)) return 'the sender is not a window of this app';
  if (frame.parent !== null && frame.parent !== undefined) return 'only the main frame may call';
  if (!sameFrame(frame, event.sender.mainFrame)) return 'only the main frame may call';
  if (!isSameOrigin(policy.appOrigin, frame.url)) return `the sender's origin is not ${policy.appOrigin}`;
  return null;
}

export interface HandlerContext { sender: object }
export type Handler<C extends InvokeChannel> = (request: RequestOf<C>, ctx: HandlerContext) => Promise<ResponseOf<C>> | ResponseOf<C>;
export type Handlers = { [C in InvokeChannel]: Handler<C> };

export interface IpcMainLike { handle(channel: string, listener: (event: any, ...args: any[]) => unknown): void }
export interface IpcLog { warn(msg: string): void; error(msg: string): void }

/** Runs one request through the checks; exported so tests can call it with a fake event. */
export async function dispatch<C extends InvokeChannel>(
  channel: C, fn: Handler<C>, policy: SenderPolicy, event: IpcEventLike, args: unknown[], log?: IpcLog,
): Promise<IpcResult<ResponseOf<C>>> {
  const refused = checkSender(event, policy);
  if (refused) {
    log?.warn(`IPC ${channel} refused: ${refused} (${event.senderFrame?.url ?? 'no frame'})`);
    return { ok: false, error: { code: 'forbidden', message: `IPC refused: ${refused}` } };
  }
  if (args.length > 1) return { ok: false, error: { code: 'invalid-payload', message: `${channel} takes one argument, got ${args.length}` } };
  const invalid = validateRequest(channel, args[0]);
  if (invalid) return { ok: false, error: { code: 'invalid-payload', message: `${channel}: ${invalid}` } };
  try {
    const value = await fn(args[0] as RequestOf<C>, { sender: event.sender });
    return { ok: true, value: (value === undefined ? null : value) as ResponseOf<C> };
  } catch (e) {
    if (e instanceof IpcFailure) return { ok: false, error: { ...e.error } };
    log?.error(`IPC ${channel} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}

/** Registers every contract channel at once; the `Handlers` type makes a missing channel a compile error. */
export function registerHandlers(ipcMain: IpcMainLike, policy: SenderPolicy, handlers: Handlers, log?: IpcLog): void {
  for (const channel of invokeChannelNames) {
    handle(ipcMain, policy, channel, handlers[channel] as Handler<typeof channel>, log);
  }
}

export function handle<C extends InvokeChannel>(ipcMain: IpcMainLike, policy: SenderPolicy, channel: C, fn: Handler<C>, log?: IpcLog): void {
  ipcMain.handle(channel, (event: IpcEventLike, ...args: unknown[]) => dispatch(channel, fn, policy, event, args, log));
}

/** Typed main -> renderer notification. */
export function sendEvent<E extends EventChannel>(contents: { send(channel: string, ...args: any[]): void; isDestroyed?(): boolean }, event: E, payload: EventPayload<E>): void {
  if (contents.isDestroyed?.()) return;
  contents.send(event, payload);
}
