import { StoreStateMachine, decodeOp, isStoreError, type ApplyResult, type StoreOp } from '../store/index.js';
import type { ReplicatedStateMachine } from './state-machine.js';

/**
 * The MVCC store as the peer replicates it: a committed entry's command is an
 * encoded StoreOp; its result (an ApplyResult) goes back to the proposer.
 */
export class StoreMachine implements ReplicatedStateMachine {
  /** Called after every applied op with its Raft index (e.g. to wake read waiters). */
  onApply: ((index: number) => void) | undefined;

  constructor(readonly store: StoreStateMachine) {}

  apply(command: unknown, index: number): ApplyResult {
    const bytes = command instanceof Uint8Array ? command : new Uint8Array(0);
    const result = this.applyBytes(bytes);
    this.onApply?.(index);
    return result;
  }

  /**
   * A committed entry that is not a valid op (a request its proposer should have refused)
   * changes nothing, on every peer alike, and its proposer gets the error. Thrown instead,
   * it would stop every peer, and again at every restart, since the entry stays in the log.
   */
  private applyBytes(bytes: Uint8Array): ApplyResult {
    let op: StoreOp;
    try {
      op = decodeOp(bytes);
    } catch (error) {
      if (!isStoreError(error, 'STORE_OP_INVALID')) throw error;
      // Its type is unknown; the proposer only reads the error of a failed result.
      return { ok: false, type: 'txn', error, header: { revision: this.store.revision } };
    }
    return this.store.apply(op);
  }

  snapshot(): Uint8Array {
    return this.store.snapshot();
  }

  snapshotParts(frame?: (imageBytes: number) => Uint8Array): Promise<{ parts: Uint8Array[]; byteLength: number }> {
    return this.store.snapshotParts(frame);
  }

  encodeAhead(): void {
    this.store.encodeAhead();
  }

  /** Empty bytes (the genesis snapshot) mean a new, empty store. */
  restore(image: Uint8Array): void {
    this.store.restore(image.byteLength > 0 ? image : new StoreStateMachine().snapshot());
  }
}
