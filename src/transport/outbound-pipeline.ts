import type { Message } from '../raft/types.js';
import { assert } from '../util/assert.js';
import { ByteBoundedQueue } from './byte-bounded-queue.js';
import { encodeFrame, type ChunkFrame } from './frame-codec.js';
import { estimateMessageBytes } from './message-wire.js';
import { needsChunking, splitSnapshotMessage } from './snapshot-chunks.js';
import type { TransportLimits } from './transport-limits.js';

interface Queued {
  readonly message: Message;
  readonly dueMs: number;
}

export interface OutFrame {
  readonly bytes: Uint8Array;
  /** Raft messages this frame completes (a chunk stream counts once, on its last chunk). */
  readonly messages: number;
}

export type EnqueueResult = 'queued' | 'full' | 'oversize';

export interface NextFrames {
  readonly frames: readonly OutFrame[];
  /** Messages that could not fit in any frame and were dropped. */
  readonly oversize: number;
  /** Set when the head of the queue is held by a delay fault: call again after this long. */
  readonly waitMs?: number;
}

/** Nothing to send now: shared, since a link asks once more after every frame it sends. */
const NOTHING: NextFrames = Object.freeze({ frames: Object.freeze([]), oversize: 0 });

/**
 * What one peer link has to send: a queue bounded in messages and bytes (full means
 * the newest message is dropped, see README.md#drop-policy) and the frame builder
 * that packs queued messages into batches or snapshot chunk streams. Transport-agnostic:
 * the WebSocket link and the in-memory network both drive it.
 */
export class OutboundPipeline {
  private readonly queue: ByteBoundedQueue<Queued>;
  private chunks: ChunkFrame[] = [];
  private nextStreamId = 1;
  private lastDueMs = 0;
  private readonly batchBytesTarget: number;

  constructor(private readonly limits: TransportLimits) {
    this.queue = new ByteBoundedQueue(limits.sendQueueLengthMax, limits.sendQueueBytesMax);
    this.batchBytesTarget = Math.floor(limits.frameBytesMax / 2);
  }

  get length(): number {
    return this.queue.length + (this.chunks.length > 0 ? 1 : 0);
  }

  get bytes(): number {
    return this.queue.bytes;
  }

  /** Delayed messages keep their order: a message is never due before the one queued ahead of it. */
  enqueue(message: Message, nowMs: number, delayMs = 0): EnqueueResult {
    if (message.snapshot !== undefined && message.snapshot.data.byteLength > this.limits.snapshotBytesMax) return 'oversize';
    const dueMs = Math.max(this.lastDueMs, nowMs + delayMs);
    if (!this.queue.push({ message, dueMs }, estimateMessageBytes(message))) return 'full';
    this.lastDueMs = dueMs;
    return 'queued';
  }

  /**
   * Abandons a half-sent chunk stream (the link it was going out on closed) and
   * returns how many messages were lost with it.
   */
  abandonInflight(): number {
    const lost = this.chunks.length > 0 ? 1 : 0;
    this.chunks = [];
    return lost;
  }

  clear(): number {
    return this.abandonInflight() + this.queue.clear();
  }

  /** Makes every queued message due now, in order: the delay that held them has been lifted. */
  expedite(nowMs: number): void {
    if (this.lastDueMs <= nowMs) return;
    for (const queued of this.queue.drain()) this.queue.push({ message: queued.message, dueMs: Math.min(queued.dueMs, nowMs) }, estimateMessageBytes(queued.message));
    this.lastDueMs = nowMs;
  }

  next(nowMs: number): NextFrames {
    const chunk = this.chunks.shift();
    if (chunk !== undefined) {
      return { frames: [{ bytes: encodeFrame(chunk), messages: this.chunks.length === 0 ? 1 : 0 }], oversize: 0 };
    }
    const head = this.queue.peek();
    if (head === undefined) return NOTHING;
    if (head.dueMs > nowMs) return { frames: [], oversize: 0, waitMs: head.dueMs - nowMs };
    if (needsChunking(head.message, this.limits.snapshotChunkBytes)) {
      this.queue.shift();
      this.chunks = splitSnapshotMessage(head.message, this.limits.snapshotChunkBytes, this.nextStreamId++);
      return this.next(nowMs);
    }
    return this.packBatch(nowMs);
  }

  private packBatch(nowMs: number): NextFrames {
    const batch: Message[] = [];
    let estimatedBytes = 0;
    for (;;) {
      const head = this.queue.peek();
      if (head === undefined || head.dueMs > nowMs || batch.length >= this.limits.batchMessagesMax) break;
      if (needsChunking(head.message, this.limits.snapshotChunkBytes)) break;
      const bytes = this.queue.peekBytes();
      if (batch.length > 0 && estimatedBytes + bytes > this.batchBytesTarget) break;
      this.queue.shift();
      batch.push(head.message);
      estimatedBytes += bytes;
    }
    assert(batch.length > 0, 'a due, unchunked head always makes a batch');
    const frames: OutFrame[] = [];
    const oversize = this.encodeSplitting(batch, frames);
    return { frames, oversize };
  }

  /**
   * Estimates can be wrong; a batch that encodes too large is halved until it fits.
   * Returns how many messages fit in no frame.
   */
  private encodeSplitting(batch: Message[], frames: OutFrame[]): number {
    const bytes = encodeFrame({ kind: 'batch', messages: batch });
    if (bytes.byteLength <= this.limits.frameBytesMax) {
      frames.push({ bytes, messages: batch.length });
      return 0;
    }
    if (batch.length === 1) return 1;
    const half = Math.ceil(batch.length / 2);
    return this.encodeSplitting(batch.slice(0, half), frames) + this.encodeSplitting(batch.slice(half), frames);
  }
}
