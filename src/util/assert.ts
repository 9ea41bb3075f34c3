/** Programmer errors: a broken invariant crashes, it is never handled. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/**
 * Throws an AssertionError. For an invariant whose message is built from values, write
 * `if (!condition) assertionFailed(`…`)`: passed to assert(), the template literal would be
 * built on every call, and on hot paths (every message, every entry) that garbage adds up.
 */
export function assertionFailed(message: string): never {
  throw new AssertionError(message);
}
