import { RaftplaneError } from '../util/errors.js';

export type CliErrorCode =
  /** A flag or argument is missing or malformed. */
  | 'CLI_USAGE'
  /** No peer of the cluster answered. */
  | 'CLI_UNREACHABLE'
  /** A peer answered with an error. */
  | 'CLI_REQUEST_FAILED'
  /** Something did not happen within its bounded wait. */
  | 'CLI_TIMEOUT';

/** An operating error of the raftplane command: printed as `error: <message>`, exit code 1. */
export class CliError extends RaftplaneError<CliErrorCode> {
  constructor(code: CliErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'CliError';
  }
}
