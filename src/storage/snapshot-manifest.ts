import type { ConfState } from '../raft/types.js';
import { decodeJsonRecord, encodeJson, isConfState, isCount, isRecord } from './meta-codec.js';

/**
 * Where a snapshot image lies on disk. The image is cut into chunks of `chunkBytes`;
 * chunk n is the record under chunkKey(chunks[n][0], n), and that record's checksum is
 * chunks[n][1]. A chunk that is byte for byte the same as the previous image's chunk n
 * is not written again: the new manifest names the record the previous image already
 * has (see LevelDurableLog.writeChunks). So a chunk key's id is the id of the snapshot
 * that first wrote it, and one record can belong to many snapshots in turn.
 *
 * Pinning each record's checksum ties the record to this image: a chunk left from some
 * other image under the same key fails it. Format 1 manifests (no per-chunk checksums,
 * every chunk under the manifest's own id, one checksum of the whole image) are still
 * read; they are never written.
 */
export interface SnapshotManifest {
  /** A fresh id per snapshot written; chunks this snapshot writes go under it. */
  readonly snapshotId: number;
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
  readonly dataBytes: number;
  /** The chunk size the image was cut with; 0 for a format 1 manifest (its chunks are never reused). */
  readonly chunkBytes: number;
  readonly chunks: readonly ChunkRef[];
  /** Format 1 only: crc32 of the whole image, in place of the per-chunk checksums. */
  readonly dataCrc32?: number;
}

/** [id of the snapshot that wrote the record, the record's checksum]; checksum -1 in format 1. */
export type ChunkRef = readonly [number, number];

export function encodeManifest(manifest: SnapshotManifest): Uint8Array {
  const { snapshotId, index, term, confState, dataBytes, chunkBytes, chunks } = manifest;
  return encodeJson({ snapshotId, index, term, confState, dataBytes, chunkBytes, chunks });
}

export function decodeManifest(body: Uint8Array): SnapshotManifest | undefined {
  const value = decodeJsonRecord(body);
  if (!isRecord(value)) return undefined;
  const { snapshotId, index, term, confState, dataBytes } = value;
  if (![snapshotId, index, term, dataBytes].every(isCount) || !isConfState(confState)) return undefined;
  const head = { snapshotId: snapshotId as number, index: index as number, term: term as number, confState, dataBytes: dataBytes as number };
  if ('chunks' in value) {
    const { chunkBytes, chunks } = value;
    if (!isCount(chunkBytes) || chunkBytes === 0 || !Array.isArray(chunks) || !chunks.every(isChunkRef)) return undefined;
    if (chunks.length !== Math.max(1, Math.ceil(head.dataBytes / chunkBytes))) return undefined;
    return { ...head, chunkBytes, chunks };
  }
  const { chunkCount, dataCrc32 } = value; // format 1
  if (!isCount(chunkCount) || chunkCount === 0 || !isCount(dataCrc32)) return undefined;
  const chunks = Array.from({ length: chunkCount }, (): ChunkRef => [head.snapshotId, -1]);
  return { ...head, chunkBytes: 0, chunks, dataCrc32 };
}

/** Does `manifest` keep chunk n in the record with this id? */
export function holdsChunk(manifest: SnapshotManifest | undefined, chunkNumber: number, snapshotId: number): boolean {
  return manifest?.chunks[chunkNumber]?.[0] === snapshotId;
}

/** The [snapshotId, chunkNumber] of every record `old` holds that `next` does not. */
export function chunksLeftBehind(old: SnapshotManifest, next: SnapshotManifest | undefined): Array<[number, number]> {
  const left: Array<[number, number]> = [];
  old.chunks.forEach(([snapshotId], chunkNumber) => {
    if (!holdsChunk(next, chunkNumber, snapshotId)) left.push([snapshotId, chunkNumber]);
  });
  return left;
}

/**
 * Are the records `manifest` borrows from earlier snapshots still held by `current`
 * (and so still on disk)? A staged image was cut against the manifest current then;
 * if another snapshot committed meanwhile, its borrowed records may be gone.
 */
export function borrowsOnlyFrom(manifest: SnapshotManifest, current: SnapshotManifest | undefined): boolean {
  return manifest.chunks.every(([snapshotId, checksum], chunkNumber) => {
    if (snapshotId === manifest.snapshotId) return true;
    return holdsChunk(current, chunkNumber, snapshotId) && current?.chunks[chunkNumber]?.[1] === checksum;
  });
}

function isChunkRef(value: unknown): value is ChunkRef {
  return Array.isArray(value) && value.length === 2 && isCount(value[0]) && isCount(value[1]);
}
