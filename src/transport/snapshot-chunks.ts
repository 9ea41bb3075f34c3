import { createHash } from 'node:crypto';
import type { Message } from '../raft/types.js';
import { emptyBytes } from '../raft/types.js';
import { assert } from '../util/assert.js';
import type { ChunkFrame } from './frame-codec.js';

export function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

/** True when a message must travel as a chunk stream rather than inside a batch. */
export function needsChunking(message: Message, chunkBytes: number): boolean {
  return message.type === 'snapshot' && message.snapshot !== undefined && message.snapshot.data.byteLength > chunkBytes;
}

/**
 * Splits a snapshot message into chunk frames. The chunks are views of the snapshot
 * data, not copies; seq 0 carries the message with empty snapshot data.
 */
export function splitSnapshotMessage(message: Message, chunkBytes: number, streamId: number): ChunkFrame[] {
  const snapshot = message.snapshot;
  assert(snapshot !== undefined && message.type === 'snapshot', 'only snapshot messages are chunked');
  assert(chunkBytes > 0, 'chunkBytes must be positive');
  const data = snapshot.data;
  const chunkCount = Math.max(1, Math.ceil(data.byteLength / chunkBytes));
  const checksum = sha256(data);
  const header: Message = { ...message, snapshot: { meta: snapshot.meta, data: emptyBytes() } };
  const frames: ChunkFrame[] = [];
  for (let seq = 0; seq < chunkCount; seq++) {
    frames.push({
      kind: 'chunk',
      streamId,
      seq,
      chunkCount,
      totalBytes: data.byteLength,
      sha256: checksum,
      header: seq === 0 ? header : null,
      data: data.subarray(seq * chunkBytes, Math.min(data.byteLength, (seq + 1) * chunkBytes)),
    });
  }
  assert(frames.reduce((sum, f) => sum + f.data.byteLength, 0) === data.byteLength, 'chunks must cover the data');
  return frames;
}
