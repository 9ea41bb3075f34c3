import { RaftplaneError } from '../../util/errors.js';

/** Operating errors of the credential files (CA, serving certificate, tokens). */
export type SecurityErrorCode =
  | 'SECURITY_TOKEN_FILE_INVALID'
  | 'SECURITY_CREDENTIALS_INVALID'
  | 'SECURITY_HOST_INVALID';

export class SecurityError extends RaftplaneError<SecurityErrorCode> {
  constructor(code: SecurityErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'SecurityError';
  }
}
