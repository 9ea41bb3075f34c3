import type { Message } from '../raft/types.js';
import { ByteBoundedQueue } from './byte-bounded-queue.js';
import { estimateMessageBytes } from './message-wire.js';
import { onMicrotask } from '../util/microtask.js';

/**
 * Messages received from all peers, waiting for the owner loop. Network handlers only
 * push here; the loop drains in batches (never act inline on a network event).
 * Wake-ups are coalesced: at most one pending at a time, re-armed by receive().
 */
export class InboundQueue {
  private readonly queue: ByteBoundedQueue<Message>;
  private readonly callbacks: Array<() => void> = [];
  private wakePending = false;

  constructor(lengthMax: number, bytesMax: number) {
    this.queue = new ByteBoundedQueue(lengthMax, bytesMax);
  }

  get length(): number {
    return this.queue.length;
  }

  get bytes(): number {
    return this.queue.bytes;
  }

  onReadable(callback: () => void): void {
    this.callbacks.push(callback);
  }

  /** False when full: the caller counts the drop. */
  push(message: Message): boolean {
    if (!this.queue.push(message, estimateMessageBytes(message))) return false;
    this.wake();
    return true;
  }

  drain(max = Infinity): Message[] {
    this.wakePending = false;
    const out = this.queue.drain(max);
    if (this.queue.length > 0) this.wake();
    return out;
  }

  clear(): void {
    this.queue.clear();
  }

  private wake(): void {
    if (this.wakePending || this.callbacks.length === 0) return;
    this.wakePending = true;
    onMicrotask(this.notify);
  }

  /** One function for every wake-up, not a closure per received frame. */
  private readonly notify = (): void => {
    const { callbacks } = this;
    for (let i = 0; i < callbacks.length; i++) callbacks[i]!();
  };
}
