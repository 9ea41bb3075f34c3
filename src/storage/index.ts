/** The storage layer's public surface, for src/peer and the composition roots. */
export type {
  DurableLog,
  DurableLogStats,
  DurableState,
  DurableUpdate,
  StorageFaultHooks,
  StorageWriteOperation,
} from './durable-log.js';
export { GroupCommitter, type GroupCommitStats, type GroupCommitterOptions } from './group-committer.js';
export { LevelDurableLog, type LevelDurableLogOptions } from './level-durable-log.js';
export { MemoryDisk, MemoryDurableLog } from './memory-durable-log.js';
export { openPeerDataDir, type PeerDataDir, type PeerDataDirOptions, type PeerIdentity } from './peer-data-dir.js';
export { PartedImage } from './parted-image.js';
export { StorageError, type StorageErrorCode } from './storage-error.js';
