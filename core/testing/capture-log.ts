// A logger for tests that keeps what it writes: the real pino logger (levels, redaction) into an array of lines.
import { createLogger, type LogLevel } from '../kernel/logger';

export function captureLog(level: LogLevel = 'debug') {
  const lines: string[] = [];
  const destination = { write: (s: string) => void lines.push(s) };
  return {
    lines, destination, log: createLogger({ level, destination }),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
