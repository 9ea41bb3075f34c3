import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs to stderr; level from RAFTPLANE_LOG_LEVEL (default info). */
export function createLogger(bindings: Record<string, unknown> = {}): Logger {
  const level = process.env['RAFTPLANE_LOG_LEVEL'] ?? 'info';
  return pino({ level, base: { pid: process.pid, ...bindings } }, pino.destination(2));
}

/** A logger that drops everything, for tests and the simulator. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
