import { crc32 } from 'node:zlib';
import type { Level } from 'level';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { EMPTY_HARD_STATE } from '../raft/types.js';
import type { DurableState } from './durable-log.js';
import { decodeEntry } from './entry-codec.js';
import {
  CHUNK_RANGE,
  ENTRY_RANGE,
  HARD_STATE_KEY,
  MANIFEST_KEY,
  chunkKey,
  chunkKeyNumber,
  chunkKeySnapshotId,
  entryKey,
  entryKeyIndex,
  keyName,
} from './level-keys.js';
import { decodeHardState } from './meta-codec.js';
import { PartedImage } from './parted-image.js';
import { corrupt, openRecord, recordChecksum } from './record-codec.js';
import { decodeManifest, holdsChunk, type SnapshotManifest } from './snapshot-manifest.js';

export type LevelDb = Level<Uint8Array, Uint8Array>;

export interface Recovered {
  readonly state: DurableState;
  readonly manifest: SnapshotManifest | undefined;
  /** Keys that are valid but unreferenced: chunks no manifest names, entries the snapshot covers. */
  readonly strayKeys: Uint8Array[];
  readonly highestSnapshotId: number;
}

/** Reads and verifies everything. Any record that fails its checksum aborts with STORAGE_CORRUPT. */
export async function recover(db: LevelDb): Promise<Recovered> {
  const hardState = await readHardState(db);
  const manifest = await readManifest(db);
  const snapshot = manifest === undefined ? null : await readSnapshot(db, manifest);
  const strayKeys: Uint8Array[] = [];
  const highestSnapshotId = await findStrayChunks(db, manifest, strayKeys);
  const entries = await readEntries(db, snapshot?.meta.index ?? 0, strayKeys);
  return { state: { hardState, snapshot, entries }, manifest, strayKeys, highestSnapshotId };
}

async function readHardState(db: LevelDb): Promise<HardState> {
  const record = await db.get(HARD_STATE_KEY);
  if (record === undefined) return EMPTY_HARD_STATE;
  const hardState = decodeHardState(openRecord(HARD_STATE_KEY, record, keyName(HARD_STATE_KEY)));
  if (hardState === undefined) throw corrupt(keyName(HARD_STATE_KEY), 'not a hard state');
  return hardState;
}

async function readManifest(db: LevelDb): Promise<SnapshotManifest | undefined> {
  const record = await db.get(MANIFEST_KEY);
  if (record === undefined) return undefined;
  const manifest = decodeManifest(openRecord(MANIFEST_KEY, record, keyName(MANIFEST_KEY)));
  if (manifest === undefined) throw corrupt(keyName(MANIFEST_KEY), 'not a snapshot manifest');
  return manifest;
}

async function readSnapshot(db: LevelDb, manifest: SnapshotManifest): Promise<Snapshot> {
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (const [chunkNumber, [snapshotId, checksum]] of manifest.chunks.entries()) {
    const key = chunkKey(snapshotId, chunkNumber);
    const record = await db.get(key);
    if (record === undefined) throw corrupt(keyName(key), 'snapshot chunk named by the manifest is missing');
    const bytes = openRecord(key, record, keyName(key));
    if (checksum >= 0 && recordChecksum(record) !== checksum) {
      throw corrupt(keyName(key), `chunk is not the one snapshot ${manifest.snapshotId} names`);
    }
    if (manifest.chunkBytes > 0 && bytes.byteLength !== expectedChunkBytes(manifest, chunkNumber)) {
      throw notReassembled(manifest, `chunk ${chunkNumber} has ${bytes.byteLength} bytes`);
    }
    pieces.push(bytes);
    total += bytes.byteLength;
  }
  // Sizes are checked before the image is allocated: a damaged size must not allocate it.
  if (total !== manifest.dataBytes) throw notReassembled(manifest, `${total} of ${manifest.dataBytes} bytes`);
  const data = new PartedImage(pieces).join();
  if (manifest.dataCrc32 !== undefined && crc32(data) !== manifest.dataCrc32) throw notReassembled(manifest, 'the image fails its checksum');
  return { meta: { index: manifest.index, term: manifest.term, confState: manifest.confState }, data };
}

function notReassembled(manifest: SnapshotManifest, reason: string): Error {
  return corrupt(keyName(MANIFEST_KEY), `snapshot ${manifest.snapshotId} does not reassemble: ${reason}`);
}

function expectedChunkBytes(manifest: SnapshotManifest, chunkNumber: number): number {
  return Math.min(manifest.chunkBytes, manifest.dataBytes - chunkNumber * manifest.chunkBytes);
}

/** Chunk records the manifest does not name are stray: images never committed, or replaced. */
async function findStrayChunks(db: LevelDb, manifest: SnapshotManifest | undefined, stray: Uint8Array[]): Promise<number> {
  let highestId = manifest?.snapshotId ?? 0;
  for await (const key of db.keys(CHUNK_RANGE)) {
    const snapshotId = chunkKeySnapshotId(key);
    const chunkNumber = chunkKeyNumber(key);
    if (snapshotId === undefined || chunkNumber === undefined) throw corrupt(keyName(key), 'malformed snapshot chunk key');
    highestId = Math.max(highestId, snapshotId);
    if (!holdsChunk(manifest, chunkNumber, snapshotId)) stray.push(key);
  }
  return highestId;
}

async function readEntries(db: LevelDb, snapshotIndex: number, stray: Uint8Array[]): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const [key, record] of db.iterator(ENTRY_RANGE)) {
    const name = keyName(key);
    const keyIndex = entryKeyIndex(key);
    if (keyIndex === undefined) throw corrupt(name, 'malformed entry key');
    const entry = decodeEntry(openRecord(key, record, name));
    if (entry === undefined || entry.index !== keyIndex) throw corrupt(name, 'record is not the entry its key names');
    // Below the snapshot: left by an interrupted compaction; covered, so harmless.
    if (entry.index <= snapshotIndex) stray.push(entryKey(entry.index));
    else entries.push(entry);
  }
  return entries;
}

