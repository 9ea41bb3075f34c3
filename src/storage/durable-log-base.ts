import { assertionFailed } from '../util/assert.js';
import type { Snapshot } from '../raft/types.js';
import type {
  DurableLog,
  DurableLogStats,
  DurableState,
  DurableUpdate,
  StorageFaultHooks,
  StorageWriteOperation,
} from './durable-log.js';
import { LogLayout, type LayoutOp } from './log-layout.js';
import type { PartedImage } from './parted-image.js';
import { StorageError, ioError } from './storage-error.js';

type Status = 'closed' | 'opening' | 'open' | 'failed';

/**
 * The public half of every DurableLog (the abstract-level pattern): checks
 * state and arguments, plans the batch through LogLayout, orders writes, and
 * turns disk failures into STORAGE_IO. Subclasses only read and write.
 *
 * Writes run one at a time in call order: two batches in flight at once could
 * reach the disk in either order, and a later truncation must not be overtaken
 * by the append it truncates.
 */
export abstract class DurableLogBase implements DurableLog {
  private status: Status = 'closed';
  private failure: StorageError | undefined;
  private layout = new LogLayout();
  private writeTail: Promise<void> = Promise.resolve();
  /** Staging and sweeping run beside the write queue; close() waits for them. */
  private sideWork = new Set<Promise<unknown>>();
  protected syncedWrites = 0;
  protected bytesWritten = 0;
  protected snapshotBytesWritten = 0;
  protected snapshotBytesShared = 0;

  constructor(private readonly faults: StorageFaultHooks = {}) {}

  async open(): Promise<DurableState> {
    if (this.status !== 'closed') assertionFailed(`open() on a ${this.status} store`);
    this.status = 'opening';
    try {
      const state = await this.openImpl();
      this.layout = LogLayout.fromRecovered(state);
      this.status = 'open';
      return state;
    } catch (error) {
      this.status = 'closed';
      await this.closeImpl().catch(() => undefined);
      throw ioError('open', error);
    }
  }

  save(update: DurableUpdate): Promise<void> {
    return this.saveAll([update]);
  }

  saveAll(updates: readonly DurableUpdate[]): Promise<void> {
    const refusal = this.refuseWrite();
    if (refusal !== undefined) return Promise.reject(refusal);
    // Planning is synchronous, in call order, so the layout always describes
    // the disk as it will be once every queued write has landed.
    let ops: LayoutOp[];
    try {
      ops = updates.flatMap((update) => this.layout.plan(update));
    } catch (error) {
      return Promise.reject(error); // an AssertionError: the caller broke the Ready contract
    }
    return this.enqueue('save', () => this.writeImpl(ops));
  }

  stageSnapshot(snapshot: Snapshot, image?: PartedImage): Promise<void> {
    const refusal = this.refuseWrite();
    if (refusal !== undefined) return Promise.reject(refusal);
    return this.beside(async () => {
      try {
        await this.stageImpl(snapshot, image);
      } catch (error) {
        throw this.fail('snapshot-chunks', error);
      }
    });
  }

  compact(throughIndex: number): Promise<void> {
    const refusal = this.refuseWrite();
    if (refusal !== undefined) return Promise.reject(refusal);
    try {
      this.layout.planCompact(throughIndex);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue('compact', () => this.compactImpl(throughIndex));
  }

  async close(): Promise<void> {
    if (this.status === 'closed') return;
    await this.writeTail.catch(() => undefined);
    while (this.sideWork.size > 0) await Promise.allSettled([...this.sideWork]);
    this.status = 'closed';
    await this.closeImpl();
  }

  stats(): DurableLogStats {
    const { syncedWrites, bytesWritten, snapshotBytesWritten, snapshotBytesShared } = this;
    return { syncedWrites, bytesWritten, snapshotBytesWritten, snapshotBytesShared };
  }

  /** The store stopped trusting its disk; every later write fails with this. */
  get failed(): StorageError | undefined {
    return this.failure;
  }

  protected beforeWrite(operation: StorageWriteOperation): Promise<void> | void {
    return this.faults.beforeWrite?.(operation);
  }

  /**
   * Runs work beside the write queue (snapshot staging, sweeping covered records);
   * close() waits for it.
   */
  protected beside<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    const tracked = promise.catch(() => undefined);
    this.sideWork.add(tracked);
    void tracked.then(() => this.sideWork.delete(tracked));
    return promise;
  }

  /** Writes the image of a snapshot a later save will commit. Memory has nothing to do. */
  protected stageImpl(_snapshot: Snapshot, _image?: PartedImage): Promise<void> {
    return Promise.resolve();
  }

  protected abstract openImpl(): Promise<DurableState>;
  /** Applies ops, in order, as one atomic synced batch. */
  protected abstract writeImpl(ops: readonly LayoutOp[]): Promise<void>;
  protected abstract compactImpl(throughIndex: number): Promise<void>;
  protected abstract closeImpl(): Promise<void>;

  private refuseWrite(): StorageError | undefined {
    if (this.status === 'failed') return this.failure;
    if (this.status !== 'open') return new StorageError('STORAGE_CLOSED', `storage is ${this.status}`);
    return undefined;
  }

  private fail(operation: StorageWriteOperation, error: unknown): StorageError {
    if (this.failure === undefined) {
      this.failure = ioError(operation, error);
      this.status = 'failed';
    }
    return this.failure;
  }

  private enqueue(operation: StorageWriteOperation, write: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      const refusal = this.refuseWrite();
      if (refusal !== undefined) throw refusal;
      try {
        // Only a fault hook makes this wait: without one the write is issued in this same
        // microtask, ahead of whatever the caller queued after it (a leader's sends).
        const hook = this.beforeWrite(operation);
        if (hook !== undefined) await hook;
        await write();
      } catch (error) {
        throw this.fail(operation, error);
      }
    };
    const result = this.writeTail.then(run);
    this.writeTail = result.catch(() => undefined);
    return result;
  }
}
