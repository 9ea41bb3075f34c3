import { crc32 } from 'node:zlib';
import { assert } from '../util/assert.js';
import { StorageError } from './storage-error.js';

/**
 * Snapshots can be tens of MB: the store writes them in chunks and the
 * transport streams them in chunks. Each chunk carries its position, the
 * whole image's size and checksum, and its own checksum, so a receiver can
 * reject a bad chunk at once and a bad image at the end.
 */
export interface SnapshotChunk {
  readonly chunkNumber: number;
  readonly chunkCount: number;
  readonly totalBytes: number;
  /** crc32 of the whole image. */
  readonly dataCrc32: number;
  /** crc32 of this chunk's bytes. */
  readonly chunkCrc32: number;
  readonly bytes: Uint8Array;
}

export function splitIntoChunks(data: Uint8Array, chunkBytes: number): SnapshotChunk[] {
  assert(Number.isSafeInteger(chunkBytes) && chunkBytes > 0, 'chunkBytes must be a positive integer');
  const chunkCount = Math.max(1, Math.ceil(data.byteLength / chunkBytes));
  const dataCrc32 = crc32(data);
  const chunks: SnapshotChunk[] = [];
  for (let chunkNumber = 0; chunkNumber < chunkCount; chunkNumber += 1) {
    // subarray, not slice: callers that need ownership copy; the store encodes at once.
    const bytes = data.subarray(chunkNumber * chunkBytes, (chunkNumber + 1) * chunkBytes);
    chunks.push({ chunkNumber, chunkCount, totalBytes: data.byteLength, dataCrc32, chunkCrc32: crc32(bytes), bytes });
  }
  return chunks;
}

export interface SnapshotAssemblerOptions {
  /** Refuse images larger than this (a peer must not let a sender grow its memory). */
  readonly totalBytesMax: number;
}

/** Takes chunks strictly in order and returns the verified image. */
export class SnapshotAssembler {
  private readonly pieces: Uint8Array[] = [];
  private receivedBytes = 0;
  private first: SnapshotChunk | undefined;

  constructor(private readonly options: SnapshotAssemblerOptions) {
    assert(Number.isSafeInteger(options.totalBytesMax) && options.totalBytesMax >= 0);
  }

  get complete(): boolean {
    return this.first !== undefined && this.pieces.length === this.first.chunkCount;
  }

  push(chunk: SnapshotChunk): void {
    const first = this.first ?? chunk;
    if (chunk.totalBytes > this.options.totalBytesMax) {
      throw invalid(`snapshot of ${chunk.totalBytes} bytes exceeds the limit of ${this.options.totalBytesMax}`);
    }
    if (chunk.chunkNumber !== this.pieces.length) {
      throw invalid(`expected chunk ${this.pieces.length}, got ${chunk.chunkNumber}`);
    }
    const sameImage =
      chunk.chunkCount === first.chunkCount && chunk.totalBytes === first.totalBytes && chunk.dataCrc32 === first.dataCrc32;
    if (!sameImage) throw invalid(`chunk ${chunk.chunkNumber} belongs to a different snapshot image`);
    if (crc32(chunk.bytes) !== chunk.chunkCrc32) throw invalid(`chunk ${chunk.chunkNumber} fails its checksum`);
    if (this.receivedBytes + chunk.bytes.byteLength > chunk.totalBytes) {
      throw invalid(`chunk ${chunk.chunkNumber} overruns the image size ${chunk.totalBytes}`);
    }
    this.first = first;
    this.pieces.push(chunk.bytes);
    this.receivedBytes += chunk.bytes.byteLength;
  }

  finish(): Uint8Array {
    const first = this.first;
    if (first === undefined || !this.complete) {
      throw invalid(`snapshot incomplete: ${this.pieces.length} of ${first?.chunkCount ?? '?'} chunks`);
    }
    if (this.receivedBytes !== first.totalBytes) {
      throw invalid(`snapshot has ${this.receivedBytes} bytes, expected ${first.totalBytes}`);
    }
    const data = new Uint8Array(first.totalBytes);
    let offset = 0;
    for (const piece of this.pieces) {
      data.set(piece, offset);
      offset += piece.byteLength;
    }
    if (crc32(data) !== first.dataCrc32) throw invalid('reassembled snapshot fails its checksum');
    return data;
  }
}

export function joinChunks(chunks: readonly SnapshotChunk[], totalBytesMax = Number.MAX_SAFE_INTEGER): Uint8Array {
  const assembler = new SnapshotAssembler({ totalBytesMax });
  for (const chunk of chunks) assembler.push(chunk);
  return assembler.finish();
}

function invalid(message: string): StorageError {
  return new StorageError('STORAGE_SNAPSHOT_INVALID', message);
}
