/**
 * Operating errors: expected failures that callers handle. Each carries a stable
 * `code` from a typed union so that callers switch on codes, never on messages.
 * Programmer errors are assertions (see assert.ts) and are never caught.
 */
export class RaftplaneError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: Code, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RaftplaneError';
    this.code = code;
    this.details = details;
  }
}

export function isRaftplaneError(error: unknown, code?: string): error is RaftplaneError {
  if (!(error instanceof RaftplaneError)) return false;
  return code === undefined || error.code === code;
}
