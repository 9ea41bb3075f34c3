import type { Entry, HardState, Snapshot } from '../raft/types.js';
import type { PartedImage } from './parted-image.js';

/** Everything a peer recovers from disk at startup. */
export interface DurableState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  /** Contiguous, starting at snapshot.meta.index + 1 (or 1 without a snapshot). */
  readonly entries: Entry[];
}

/**
 * One Ready's worth of durable changes, applied in this order: snapshot, then
 * entries, then hard state (the order of etcd's Ready: the snapshot precedes
 * the entries that follow it).
 */
export interface DurableUpdate {
  readonly hardState?: HardState;
  /**
   * Contiguous entries. Appending at index i first removes every persisted
   * entry >= i (Raft §5.3 log truncation). Entries at or below the snapshot
   * index are already covered and are skipped.
   */
  readonly entries?: readonly Entry[];
  /**
   * Drops every entry <= its index; if the log has no entry with the
   * snapshot's index and term, drops the whole log (Raft §7).
   */
  readonly snapshot?: Snapshot;
}

export interface DurableLogStats {
  /** Synced (fsynced) write batches issued to the disk. */
  readonly syncedWrites: number;
  /** Bytes of records written, before the disk's own overhead. */
  readonly bytesWritten: number;
  /** Bytes of snapshot chunk records written (part of bytesWritten). */
  readonly snapshotBytesWritten: number;
  /** Bytes of snapshot images not written because an earlier snapshot's chunk records hold them. */
  readonly snapshotBytesShared: number;
}

/**
 * The durable half of a peer's Raft log. The consensus core reads from an
 * in-memory copy; this store is written by the Ready loop and read once, at open.
 */
export interface DurableLog {
  /** Recovers the state; refuses (STORAGE_CORRUPT) when a record fails its checksum. */
  open(): Promise<DurableState>;
  /** One atomic, synced batch. */
  save(update: DurableUpdate): Promise<void>;
  /** Several updates, applied in order, in ONE atomic synced batch (group commit). */
  saveAll(updates: readonly DurableUpdate[]): Promise<void>;
  /**
   * Writes a snapshot's image ahead of the save that commits it, alongside other
   * saves instead of in their queue, so a large image does not hold up the Ready
   * loop. Nothing recovered changes until save({ snapshot }) with this same object
   * lands; after a crash the staged image is swept at open. Saving a snapshot that
   * was not staged writes its image in the save itself.
   *
   * `image`, when given, is the snapshot's data as parts (the same bytes): the store
   * writes and keeps those instead of reading snapshot.data, which a snapshot made
   * lazily (MemoryStorage.createSnapshot with a function) would otherwise have to build.
   */
  stageSnapshot(snapshot: Snapshot, image?: PartedImage): Promise<void>;
  /** Drops entries <= throughIndex, which must not exceed the snapshot index. */
  compact(throughIndex: number): Promise<void>;
  close(): Promise<void>;
  stats(): DurableLogStats;
}

/**
 * Test and chaos seams shared by both implementations. A hook that throws
 * simulates a failed write; one that waits simulates a stalled disk.
 */
export interface StorageFaultHooks {
  beforeWrite?(operation: StorageWriteOperation): Promise<void> | void;
}

export type StorageWriteOperation = 'save' | 'compact' | 'snapshot-chunks';
