import { RaftplaneError } from '../util/errors.js';

/**
 * Operating errors of the storage layer. The peer treats STORAGE_IO and
 * STORAGE_CORRUPT as fatal: it stops rather than run on a disk it cannot trust.
 */
export type StorageErrorCode =
  /** A record failed its checksum or the log breaks an invariant on disk. */
  | 'STORAGE_CORRUPT'
  /** A read, write or fsync failed; the store refuses every later write. */
  | 'STORAGE_IO'
  /** The store is not open (never opened, or closed). */
  | 'STORAGE_CLOSED'
  /** Another process (or another handle in this one) holds the data directory. */
  | 'STORAGE_LOCKED'
  /** The data directory belongs to another cluster or another peer. */
  | 'STORAGE_DATA_DIR_MISMATCH';

export class StorageError extends RaftplaneError<StorageErrorCode> {
  constructor(code: StorageErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'StorageError';
  }
}

/** Wraps anything thrown by the disk layer in a STORAGE_IO error, keeping the cause. */
export function ioError(operation: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = new StorageError('STORAGE_IO', `storage ${operation} failed: ${reason}`, { operation });
  error.cause = cause;
  return error;
}
