// Structured, levelled logging: pino writes one JSON object per line (time, level, msg, bindings such as the
// request id, then the extra fields). Everything logged passes through redact() first, so no secret reaches the log.
import { pino, type DestinationStream, type Level } from 'pino';
import type { Logger } from './services';
import { redact, redactText } from './redact';

export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  /** Lowest level written; default STRATA_LOG_LEVEL or info. */
  level?: LogLevel;
  /** Only errors (the CLI's quiet mode). */
  quiet?: boolean;
  /** Where lines go; default stderr. Tests pass a collecting stream. */
  destination?: DestinationStream;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function levelFrom(opts: LoggerOptions): LogLevel {
  if (opts.level) return opts.level;
  if (opts.quiet) return 'error';
  const env = process.env.STRATA_LOG_LEVEL?.toLowerCase() as LogLevel | undefined;
  return env && LEVELS.includes(env) ? env : 'info';
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const root = pino({
    level: levelFrom(opts),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, opts.destination ?? pino.destination({ dest: 2, sync: true }));
  return wrap(root);
}

function wrap(p: pino.Logger): Logger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, extra?: object) => {
    if (!p.isLevelEnabled(level)) return;
    if (extra) p[level](redact(extra) as object, redactText(msg));
    else p[level](redactText(msg));
  };
  return {
    // Absent below its level: every call site is `log.debug?.(...)`, so the message and fields of a disabled
    // debug line (one per API request and per job) are never built.
    debug: p.isLevelEnabled('debug') ? at('debug') : undefined, info: at('info'), warn: at('warn'), error: at('error'),
    child: (bindings) => wrap(p.child(redact(bindings) as pino.Bindings)),
  };
}

/** `log` with `bindings` on every line (the logger itself when it cannot make children). */
export function withBindings(log: Logger, bindings: Record<string, string | number>): Logger {
  return log.child ? log.child(bindings) : log;
}

export const silentLogger: Logger = {
  info() {}, warn() {}, error() {},
  child: () => silentLogger,
};
