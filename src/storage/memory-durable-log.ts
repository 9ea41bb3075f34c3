import { assert } from '../util/assert.js';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { EMPTY_HARD_STATE } from '../raft/types.js';
import { DurableLogBase } from './durable-log-base.js';
import type { DurableState, StorageFaultHooks } from './durable-log.js';
import type { LayoutOp } from './log-layout.js';
import { StorageError } from './storage-error.js';

/**
 * What survives a crash of an in-memory peer: the simulator keeps one
 * MemoryDisk per peer and "restarts" the peer by opening a new
 * MemoryDurableLog on the same disk. Writes land whole or not at all, like a
 * synced LevelDB batch.
 */
export class MemoryDisk {
  hardState: HardState = EMPTY_HARD_STATE;
  snapshot: Snapshot | null = null;
  readonly entries = new Map<number, Entry>();
  /** The log currently allowed to write; a crash or a new owner revokes it. */
  owner: MemoryDurableLog | undefined;

  /** The process died: the current owner's writes stop reaching the disk. */
  crash(): void {
    this.owner = undefined;
  }
}

export class MemoryDurableLog extends DurableLogBase {
  constructor(
    readonly disk: MemoryDisk = new MemoryDisk(),
    faults: StorageFaultHooks = {},
  ) {
    super(faults);
  }

  /** The image stays in memory until the save; only the fault hook sees the staging. */
  protected override async stageImpl(_snapshot: Snapshot): Promise<void> {
    await this.beforeWrite('snapshot-chunks');
  }

  protected openImpl(): Promise<DurableState> {
    if (this.disk.owner !== undefined) {
      return Promise.reject(new StorageError('STORAGE_LOCKED', 'memory disk is already open by another log'));
    }
    this.disk.owner = this;
    const indexes = [...this.disk.entries.keys()].sort((a, b) => a - b);
    const entries = indexes.map((index) => copyEntry(this.disk.entries.get(index)));
    const stored = this.disk.snapshot;
    const snapshot = stored === null ? null : { meta: stored.meta, data: stored.data.slice() };
    return Promise.resolve({ hardState: this.disk.hardState, snapshot, entries });
  }

  protected writeImpl(ops: readonly LayoutOp[]): Promise<void> {
    this.assertOwner();
    for (const op of ops) this.apply(op);
    this.syncedWrites += 1;
    return Promise.resolve();
  }

  protected compactImpl(throughIndex: number): Promise<void> {
    this.assertOwner();
    for (const index of [...this.disk.entries.keys()]) {
      if (index <= throughIndex) this.disk.entries.delete(index);
    }
    return Promise.resolve();
  }

  protected closeImpl(): Promise<void> {
    if (this.disk.owner === this) this.disk.owner = undefined;
    return Promise.resolve();
  }

  private assertOwner(): void {
    if (this.disk.owner !== this) throw new Error('memory disk was taken away (simulated crash)');
  }

  private apply(op: LayoutOp): void {
    switch (op.kind) {
      case 'delete-entries':
        for (let index = op.fromIndex; index <= op.toIndex; index += 1) this.disk.entries.delete(index);
        return;
      case 'put-entry':
        this.disk.entries.set(op.entry.index, copyEntry(op.entry));
        this.bytesWritten += op.entry.data.byteLength;
        return;
      case 'put-hard-state':
        this.disk.hardState = { ...op.hardState };
        return;
      case 'put-snapshot':
        // Copies, so that a caller mutating its buffers cannot reach "disk".
        this.disk.snapshot = { meta: op.snapshot.meta, data: op.snapshot.data.slice() };
        this.bytesWritten += op.snapshot.data.byteLength;
        this.snapshotBytesWritten += op.snapshot.data.byteLength;
        return;
    }
  }
}

function copyEntry(entry: Entry | undefined): Entry {
  assert(entry !== undefined);
  return { term: entry.term, index: entry.index, type: entry.type, data: entry.data.slice() };
}
