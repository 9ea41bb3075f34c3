import { RaftplaneError } from '../util/errors.js';

export type CliErrorCode =
  /** A flag or argument is missing or malformed. */
  | 'CLI_USAGE'
  /** No peer of the cluster answered. */
  | 'CLI_UNREACHABLE'
  /** A peer answered with an error. */
  | 'CLI_REQUEST_FAILED'
  /** Something did not happen within its bounded wait. */
  | 'CLI_TIMEOUT'
  /** A port this process must listen on is taken or not allowed. */
  | 'CLI_CANNOT_LISTEN';

/** An operating error of the raftplane command: printed as `error: <message>`, exit code 1. */
export class CliError extends RaftplaneError<CliErrorCode> {
  constructor(code: CliErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'CliError';
  }
}

/** Turns a listen failure (EADDRINUSE, EACCES, EADDRNOTAVAIL) into a clear operating error. */
export function asListenError(error: unknown, what: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') return error;
  const reason = code === 'EADDRINUSE' ? 'the port is already in use (another peer running?)' : code === 'EACCES' ? 'permission denied' : 'not an address of this host';
  return new CliError('CLI_CANNOT_LISTEN', `cannot listen for ${what}: ${reason}`);
}
