// Minimal structured logger: one line per message on stderr. Tests pass a silent one.
import type { Logger } from './services';

export function createLogger(opts: { quiet?: boolean } = {}): Logger {
  const line = (level: string, msg: string, extra?: object) => {
    if (opts.quiet && level !== 'error') return;
    process.stderr.write(`${new Date().toISOString()} ${level} ${msg}${extra ? ' ' + JSON.stringify(extra) : ''}\n`);
  };
  return {
    info: (m, e) => line('INFO', m, e),
    warn: (m, e) => line('WARN', m, e),
    error: (m, e) => line('ERROR', m, e),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
