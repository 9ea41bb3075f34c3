import { timingSafeEqual } from 'node:crypto';
import type { Message } from '../raft/types.js';
import { assert } from '../util/assert.js';
import type { ChunkFrame } from './frame-codec.js';
import { sha256 } from './snapshot-chunks.js';
import { TransportError } from './transport-error.js';

interface Stream {
  readonly streamId: number;
  readonly chunkCount: number;
  readonly totalBytes: number;
  readonly sha256: Uint8Array;
  readonly header: Message;
  readonly buffer: Buffer;
  nextSeq: number;
  filledBytes: number;
}

/**
 * Rebuilds one chunked snapshot per link. A link is ordered, so chunks must arrive
 * in sequence; a new stream (seq 0) abandons an unfinished one, because the sender
 * only starts another after giving up on the first (its link dropped).
 * Memory is bounded by snapshotBytesMax: the buffer is allocated once from the
 * declared size, which is checked first.
 */
export class SnapshotReassembler {
  private stream: Stream | undefined;

  constructor(private readonly snapshotBytesMax: number) {}

  get bytesBuffered(): number {
    return this.stream?.buffer.byteLength ?? 0;
  }

  reset(): void {
    this.stream = undefined;
  }

  /** Returns the whole snapshot message after the last chunk, undefined before. */
  feed(chunk: ChunkFrame): Message | undefined {
    if (chunk.seq === 0) this.begin(chunk);
    const stream = this.stream;
    if (stream === undefined || chunk.streamId !== stream.streamId || chunk.seq !== stream.nextSeq) {
      this.stream = undefined;
      throw this.error('chunk out of sequence', { streamId: chunk.streamId, seq: chunk.seq });
    }
    if (chunk.chunkCount !== stream.chunkCount || chunk.totalBytes !== stream.totalBytes) {
      this.stream = undefined;
      throw this.error('chunk disagrees with its stream header', { streamId: chunk.streamId });
    }
    if (stream.filledBytes + chunk.data.byteLength > stream.totalBytes) {
      this.stream = undefined;
      throw this.error('chunks exceed the declared size', { streamId: chunk.streamId });
    }
    stream.buffer.set(chunk.data, stream.filledBytes);
    stream.filledBytes += chunk.data.byteLength;
    stream.nextSeq++;
    return stream.nextSeq === stream.chunkCount ? this.finish(stream) : undefined;
  }

  private begin(chunk: ChunkFrame): void {
    assert(chunk.header !== null, 'decoder guarantees a header on seq 0');
    if (chunk.totalBytes > this.snapshotBytesMax) {
      this.stream = undefined;
      throw this.error('snapshot exceeds snapshotBytesMax', { totalBytes: chunk.totalBytes, max: this.snapshotBytesMax });
    }
    if (chunk.header.type !== 'snapshot' || chunk.header.snapshot === undefined) {
      this.stream = undefined;
      throw this.error('chunk header is not a snapshot message', { streamId: chunk.streamId });
    }
    this.stream = {
      streamId: chunk.streamId,
      chunkCount: chunk.chunkCount,
      totalBytes: chunk.totalBytes,
      sha256: chunk.sha256,
      header: chunk.header,
      buffer: Buffer.allocUnsafe(chunk.totalBytes),
      nextSeq: 0,
      filledBytes: 0,
    };
  }

  private finish(stream: Stream): Message {
    this.stream = undefined;
    if (stream.filledBytes !== stream.totalBytes) throw this.error('snapshot stream is short', { streamId: stream.streamId });
    if (!timingSafeEqual(sha256(stream.buffer), stream.sha256)) {
      throw this.error('snapshot checksum mismatch', { streamId: stream.streamId });
    }
    const snapshot = stream.header.snapshot;
    assert(snapshot !== undefined, 'checked in begin');
    return { ...stream.header, snapshot: { meta: snapshot.meta, data: stream.buffer } };
  }

  private error(message: string, details: Record<string, unknown>): TransportError {
    return new TransportError('TRANSPORT_SNAPSHOT_STREAM', message, details);
  }
}
