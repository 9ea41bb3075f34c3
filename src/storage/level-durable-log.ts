import { readdir } from 'node:fs/promises';
import { Level } from 'level';
import { assert } from '../util/assert.js';
import { BatchArena, type BatchBytes } from './batch-arena.js';
import { nextTurn } from '../util/next-turn.js';
import type { Snapshot } from '../raft/types.js';
import { DurableLogBase } from './durable-log-base.js';
import type { DurableState, StorageFaultHooks } from './durable-log.js';
import { ENTRY_KEY_BYTES, ENTRY_RANGE, FORMAT_KEY, MANIFEST_KEY, chunkKey, entryKey, keyName } from './level-keys.js';
import { recover, type LevelDb } from './level-recovery.js';
import type { LayoutOp } from './log-layout.js';
import { PartedImage } from './parted-image.js';
import { HEADER_SLACK_BYTES, LevelWalPreallocator, WRITE_BATCH_HEADER_BYTES, batchOpBytes, logBytesBound, type WalPreallocatorOptions } from './level-wal-preallocator.js';
import { corrupt, openRecord, recordChecksum, sealRecord } from './record-codec.js';
import { borrowsOnlyFrom, chunksLeftBehind, encodeManifest, type ChunkRef, type SnapshotManifest } from './snapshot-manifest.js';
import { StorageError } from './storage-error.js';

export interface LevelDurableLogOptions {
  /** Directory of the LevelDB database. */
  readonly location: string;
  /** Snapshot images are stored in records of at most this size. */
  readonly snapshotChunkBytes?: number;
  /** Chunks are written in synced batches of about this size before the manifest. */
  readonly snapshotBatchBytes?: number;
  readonly faults?: StorageFaultHooks;
  /** Zeros kept written ahead of LevelDB's log (see level-wal-preallocator.ts); false turns it off. */
  readonly walPreallocation?: WalPreallocatorOptions | false;
}

type BatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/** 2: manifests name each chunk's record (chunks shared between images). 1 is read and upgraded. */
const FORMAT_VERSION = 2;
const FORMATS_READ = new Set([1, 2]);
const SYNC = { sync: true } as const;

/**
 * The LevelDB-backed DurableLog. Every save is one LevelDB write batch with
 * sync: LevelDB applies a batch atomically, and sync makes its write-ahead log
 * reach the platter (fsync) before the promise resolves. See README.md.
 */
export class LevelDurableLog extends DurableLogBase {
  private db: LevelDb | undefined;
  private manifest: SnapshotManifest | undefined;
  /** The image `manifest` describes: a new image is compared with it chunk by chunk. */
  private image: PartedImage | undefined;
  /** Images staged as parts: written (and kept to compare with) without building snapshot.data. */
  private readonly partsOf = new WeakMap<Snapshot, PartedImage>();
  private nextSnapshotId = 1;
  /** Images written by stageSnapshot, waiting for the save that commits them. */
  private readonly staged = new WeakMap<Snapshot, SnapshotManifest>();
  private readonly snapshotChunkBytes: number;
  private readonly snapshotBatchBytes: number;
  private wal: LevelWalPreallocator | undefined;
  /** No entry record at or below this index is on disk (once sweeps issued up to it have landed). */
  private sweptThrough = 0;
  /** No entry record below this index has been on disk since open (bounds what a sweep deletes). */
  private lowestEntry = Infinity;
  /** The bytes of each batch's entry and hard-state records, reused batch after batch. */
  private readonly arena = new BatchArena();

  constructor(private readonly options: LevelDurableLogOptions) {
    super(options.faults);
    this.snapshotChunkBytes = options.snapshotChunkBytes ?? 1024 * 1024;
    this.snapshotBatchBytes = options.snapshotBatchBytes ?? 1024 * 1024;
    assert(Number.isSafeInteger(this.snapshotChunkBytes) && this.snapshotChunkBytes > 0);
    assert(Number.isSafeInteger(this.snapshotBatchBytes) && this.snapshotBatchBytes > 0);
  }

  get location(): string {
    return this.options.location;
  }

  protected async openImpl(): Promise<DurableState> {
    await refuseWithoutCurrent(this.options.location);
    const db: LevelDb = new Level<Uint8Array, Uint8Array>(this.options.location, {
      keyEncoding: 'view',
      valueEncoding: 'view',
    });
    await openDb(db, this.options.location);
    this.db = db;
    await checkFormat(db);
    const recovered = await recover(db);
    if (recovered.strayKeys.length > 0) {
      await db.batch(recovered.strayKeys.map((key): BatchOp => ({ type: 'del', key })), SYNC);
    }
    this.manifest = recovered.manifest;
    const recoveredData = recovered.state.snapshot?.data;
    this.image = recoveredData === undefined ? undefined : PartedImage.whole(recoveredData);
    this.nextSnapshotId = recovered.highestSnapshotId + 1;
    this.sweptThrough = recovered.state.snapshot?.meta.index ?? 0;
    this.lowestEntry = recovered.state.entries[0]?.index ?? Infinity;
    // No write is in flight now, so the log's size is LevelDB's offset in it.
    const walOptions = this.options.walPreallocation;
    if (walOptions !== false) this.wal = LevelWalPreallocator.start(this.options.location, walOptions);
    return recovered.state;
  }

  protected override async stageImpl(snapshot: Snapshot, image?: PartedImage): Promise<void> {
    if (image !== undefined) this.partsOf.set(snapshot, image);
    this.staged.set(snapshot, await this.writeChunks(this.requireDb(), snapshot));
  }

  protected async writeImpl(ops: readonly LayoutOp[]): Promise<void> {
    if (ops.length === 0) return;
    const db = this.requireDb();
    const batch: BatchOp[] = [];
    let manifest = this.manifest;
    const lastSnapshot = findLastSnapshot(ops);
    if (lastSnapshot !== undefined) {
      // Chunks first, under a fresh id (unless staged already); the manifest below is the commit point.
      // A staged image whose borrowed records a snapshot committed since has dropped is cut again.
      const staged = this.staged.get(lastSnapshot);
      this.staged.delete(lastSnapshot);
      manifest = staged !== undefined && borrowsOnlyFrom(staged, this.manifest) ? staged : await this.writeChunks(db, lastSnapshot);
      batch.push(put(MANIFEST_KEY, encodeManifest(manifest)));
      if (this.manifest !== undefined) batch.push(...chunkDeletes(this.manifest, manifest));
    }
    // Entries a snapshot covers need not go in the atomic batch: once the manifest
    // lands, recovery ignores them. They are swept afterwards, beside the queue.
    const coveredThrough = manifest?.index ?? 0;
    const bytes = this.arena.lease(ops);
    try {
      for (const op of ops) {
        appendBatchOps(op, batch, coveredThrough, bytes);
        if (op.kind === 'put-entry' && op.entry.index < this.lowestEntry) this.lowestEntry = op.entry.index;
      }
      await this.write(db, batch);
    } finally {
      bytes.release();
    }
    this.manifest = manifest;
    if (lastSnapshot !== undefined) this.image = this.imageOf(lastSnapshot);
    this.syncedWrites += 1;
    this.bytesWritten += batch.reduce((sum, op) => sum + (op.type === 'put' ? op.value.byteLength : 0), 0);
    if (lastSnapshot !== undefined) this.sweepCovered(db, lastSnapshot.meta.index);
  }

  /** Not atomic, and need not be: recovery treats entries at or below the snapshot as stray. */
  private sweepCovered(db: LevelDb, throughIndex: number): void {
    void this.beside(() => this.clearEntries(db, throughIndex)).catch(() => undefined);
  }

  protected async compactImpl(throughIndex: number): Promise<void> {
    // The layout keeps nothing at or below the snapshot, so this only sweeps
    // records a crash might have left behind. Not atomic, and need not be.
    await this.clearEntries(this.requireDb(), throughIndex);
  }

  /** Deletes every entry record at or below throughIndex. */
  private async clearEntries(db: LevelDb, throughIndex: number): Promise<void> {
    const records = Math.max(0, throughIndex - Math.max(this.sweptThrough, this.lowestEntry - 1));
    await this.admitted(clearLogBound(records), () => db.clear({ gte: ENTRY_RANGE.gte, lt: entryKey(throughIndex + 1) }));
    this.sweptThrough = Math.max(this.sweptThrough, throughIndex);
  }

  /** One synced batch, admitted by the preallocator first. */
  private write(db: LevelDb, batch: BatchOp[]): Promise<void> {
    return this.admitted(batchLogBound(batch), () => writeBatch(db, batch));
  }

  /** Runs a write once the preallocator lets a write of at most `bound` log bytes go. */
  private admitted(bound: number, write: () => Promise<void>): Promise<void> {
    const wal = this.wal;
    if (wal === undefined) return write();
    const wait = wal.admit(bound);
    if (wait !== undefined) return wait.then(() => this.admitted(bound, write));
    let written: Promise<void>;
    try {
      written = write();
    } catch (error) {
      wal.settle();
      throw error;
    }
    return written.finally(() => wal.settle());
  }

  /** What the log preallocator has done (undefined when it is off). */
  walPreallocation(): ReturnType<LevelWalPreallocator['stats']> | undefined {
    return this.wal?.stats();
  }

  protected async closeImpl(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    const wal = this.wal;
    this.wal = undefined;
    await wal?.close();
    if (db !== undefined && db.status === 'open') await db.close();
  }

  /**
   * Writes the image in chunk records, a synced batch at a time, except the chunks that are
   * byte for byte the previous image's at the same place: the new manifest borrows those
   * records. The store's image is mostly history, which only grows between compactions,
   * so most of each image is already on disk (a 40 MB image after 20 MB of new history
   * writes about 20 MB). Comparing costs a memcmp per chunk; the records' own checksums
   * stand in for one over the whole image, so no pass over tens of MB holds up the loop.
   */
  private async writeChunks(db: LevelDb, snapshot: Snapshot): Promise<SnapshotManifest> {
    const snapshotId = this.nextSnapshotId;
    this.nextSnapshotId += 1;
    const image = this.imageOf(snapshot);
    const size = this.snapshotChunkBytes;
    const base = this.manifest?.chunkBytes === size && this.image !== undefined ? { manifest: this.manifest, image: this.image } : undefined;
    const chunkCount = Math.max(1, Math.ceil(image.byteLength / size));
    const chunks: ChunkRef[] = [];
    let pending: BatchOp[] = [];
    let pendingBytes = 0;
    let comparedBytes = 0;
    const flush = async (): Promise<void> => {
      await this.beforeWrite('snapshot-chunks');
      await this.write(db, pending);
      this.syncedWrites += 1;
      this.bytesWritten += pendingBytes;
      this.snapshotBytesWritten += pendingBytes;
      pending = [];
      pendingBytes = 0;
    };
    for (let chunkNumber = 0; chunkNumber < chunkCount; chunkNumber += 1) {
      const start = chunkNumber * size;
      const end = Math.min(image.byteLength, start + size);
      const held = base?.manifest.chunks[chunkNumber];
      const previousEnd = Math.min(base?.image.byteLength ?? 0, start + size);
      if (held !== undefined && base !== undefined && previousEnd === end && base.image.equalRange(image, start, end)) {
        chunks.push(held);
        this.snapshotBytesShared += end - start;
        // Between writes the loop gets a turn anyway; a long run of equal chunks gives it one too.
        comparedBytes += end - start;
        if (comparedBytes >= this.snapshotBatchBytes * 8) {
          comparedBytes = 0;
          await nextTurn();
        }
        continue;
      }
      const key = chunkKey(snapshotId, chunkNumber);
      const record = sealRecord(key, image.slice(start, end));
      chunks.push([snapshotId, recordChecksum(record)]);
      pending.push({ type: 'put', key, value: record });
      pendingBytes += record.byteLength;
      if (pendingBytes >= this.snapshotBatchBytes) await flush();
    }
    if (pending.length > 0) await flush();
    const { meta } = snapshot;
    return { snapshotId, index: meta.index, term: meta.term, confState: meta.confState, dataBytes: image.byteLength, chunkBytes: size, chunks };
  }

  /** The snapshot's image as it was staged, in parts, or else its data. */
  private imageOf(snapshot: Snapshot): PartedImage {
    return this.partsOf.get(snapshot) ?? PartedImage.whole(snapshot.data);
  }

  private requireDb(): LevelDb {
    const db = this.db;
    assert(db !== undefined, 'LevelDurableLog used before open()');
    return db;
  }
}

/**
 * LevelDB opened with create-if-missing on a directory that lost its CURRENT file would start
 * a new database over the old files (and rewrite them): refuse before any Level instance
 * exists, since one opens itself on the next tick unless opened explicitly.
 */
async function refuseWithoutCurrent(location: string): Promise<void> {
  const files = await readdir(location).catch(() => [] as string[]);
  if (files.some((f) => /^\d+\.(log|ldb|sst)$/.test(f) || f.startsWith('MANIFEST-')) && !files.includes('CURRENT')) {
    throw new StorageError('STORAGE_CORRUPT', `storage at ${location} has LevelDB files but no CURRENT file: it is damaged; not opening it`, { location });
  }
}

async function openDb(db: LevelDb, location: string): Promise<void> {
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new StorageError('STORAGE_LOCKED', `storage at ${location} is in use by another process or handle`, { location });
    }
    throw error;
  }
}

/** Refuses a store of an unknown format; records the current one (an upgrade from 1 changes no other key). */
async function checkFormat(db: LevelDb): Promise<void> {
  const record = await db.get(FORMAT_KEY);
  const name = keyName(FORMAT_KEY);
  if (record === undefined) {
    for await (const key of db.keys({ limit: 1 })) throw corrupt(keyName(key), 'database has data but no format record');
  } else {
    const body = openRecord(FORMAT_KEY, record, name);
    const format = body.byteLength === 1 ? body[0] : undefined;
    if (format === undefined || !FORMATS_READ.has(format)) throw corrupt(name, `unsupported format ${String(body[0])}`);
    if (format === FORMAT_VERSION) return;
  }
  await db.put(FORMAT_KEY, sealRecord(FORMAT_KEY, Uint8Array.of(FORMAT_VERSION)), SYNC);
}

/**
 * One synced batch, handed straight to classic-level's _batch, the method abstract-level
 * itself calls after its per-operation checks. Those checks (copying each operation,
 * validating and encoding its key and value, running hooks) cost about 4 µs per
 * operation on the main thread against 1 µs for the native call (10 puts of 400 bytes:
 * 63 µs against 21 µs), and this store needs none of them: keys and values are
 * Uint8Arrays already, and no hooks or events are used. A closed database refuses
 * here, as batch() would, instead of reaching native code.
 */
function writeBatch(db: LevelDb, operations: BatchOp[]): Promise<void> {
  if (db.status !== 'open') {
    return Promise.reject(new StorageError('STORAGE_IO', `database is not open (${db.status})`, { status: db.status }));
  }
  const native = db as unknown as { _batch?: (ops: BatchOp[], options: typeof SYNC) => Promise<void> };
  return typeof native._batch === 'function' ? native._batch(operations, SYNC) : db.batch(operations, SYNC);
}

/** An upper bound on the bytes a batch adds to LevelDB's log. */
function batchLogBound(batch: readonly BatchOp[]): number {
  let rep = WRITE_BATCH_HEADER_BYTES;
  for (const op of batch) rep += batchOpBytes(op.key.byteLength, op.type === 'put' ? op.value.byteLength : undefined);
  return logBytesBound(rep);
}

/**
 * An upper bound on the log bytes of clearing `records` entry records: classic-level's
 * clear deletes in batches of about 16 KiB of keys, so of at least 256 of ours each. The
 * batches together are bounded like one batch of all their bytes, plus, per batch after
 * the first, two more fragments' slack (its own partial fragments at either end).
 */
function clearLogBound(records: number): number {
  const batches = Math.ceil(records / 256) + 1;
  const rep = records * batchOpBytes(ENTRY_KEY_BYTES, undefined) + batches * WRITE_BATCH_HEADER_BYTES;
  return logBytesBound(rep) + (2 * batches - 1) * HEADER_SLACK_BYTES;
}

function findLastSnapshot(ops: readonly LayoutOp[]): Snapshot | undefined {
  let last: Snapshot | undefined;
  for (const op of ops) if (op.kind === 'put-snapshot') last = op.snapshot;
  return last;
}

function appendBatchOps(op: LayoutOp, batch: BatchOp[], coveredThrough: number, bytes: BatchBytes): void {
  switch (op.kind) {
    case 'delete-entries':
      for (let index = Math.max(op.fromIndex, coveredThrough + 1); index <= op.toIndex; index += 1) batch.push({ type: 'del', key: entryKey(index) });
      return;
    case 'put-entry':
      batch.push(bytes.putEntry(op.entry));
      return;
    case 'put-hard-state':
      batch.push(bytes.putHardState());
      return;
    case 'put-snapshot':
      return; // written through its chunks and manifest, see writeImpl
  }
}

/** Deletes of the records the old manifest holds and the new one does not borrow. */
function chunkDeletes(old: SnapshotManifest, next: SnapshotManifest): BatchOp[] {
  return chunksLeftBehind(old, next).map(([snapshotId, chunkNumber]): BatchOp => ({ type: 'del', key: chunkKey(snapshotId, chunkNumber) }));
}

function put(key: Uint8Array, body: Uint8Array): BatchOp {
  return { type: 'put', key, value: sealRecord(key, body) };
}
