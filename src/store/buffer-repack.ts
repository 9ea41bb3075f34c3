import type { HistoryColumns } from './history-columns.js';
import type { ValueSlab } from './value-slab.js';

/** A buffer is repacked once less than this share of it is still held by the history. */
const LIVE_SHARE_MIN = 0.25;
/** Smaller buffers are left alone: a value's own buffer is always wholly live. */
const REPACK_BUFFER_BYTES_MIN = 4 * 1024;

export interface RepackResult {
  /** Buffers found mostly dead and no longer referenced by the history. */
  readonly buffersFreed: number;
  /** Their total size: what the garbage collector can now reclaim. */
  readonly bytesFreed: number;
  /** The bytes copied out of them into the slab. */
  readonly bytesMoved: number;
}

/**
 * Moves the keys and values that survive a compaction out of buffers that are now mostly
 * dead, so the buffers can be collected. Two kinds of buffer hold many keys or values:
 * a ValueSlab slab (16 KiB of small values), and the decoded image of a snapshot this
 * peer installed (every key and value of the store at the time). Either stays in memory
 * as long as one view into it does: after a compaction, one surviving value could keep a
 * whole slab, and one surviving key a whole snapshot image. etcd's bbolt reclaims the
 * pages of compacted revisions in the same way, by reusing them.
 *
 * The history's columns are updated in place, to views with the same bytes: readers
 * holding an entry or columns see no change. Keys are shared by every revision of a key,
 * so a key moves once and every entry holding it gets the moved view.
 */
export function repackBuffers(columns: HistoryColumns, slab: ValueSlab): RepackResult {
  const live = liveBytesByBuffer(columns);
  const dead = new Set<ArrayBufferLike>();
  let bytesFreed = 0;
  for (const [buffer, bytes] of live) {
    if (buffer.byteLength < REPACK_BUFFER_BYTES_MIN || slab.isFilling(buffer)) continue;
    if (bytes >= buffer.byteLength * LIVE_SHARE_MIN) continue;
    dead.add(buffer);
    bytesFreed += buffer.byteLength;
  }
  if (dead.size === 0) return { buffersFreed: 0, bytesFreed: 0, bytesMoved: 0 };
  const moved = new Map<Uint8Array, Uint8Array>();
  let bytesMoved = 0;
  const move = (view: Uint8Array): Uint8Array => {
    if (!dead.has(view.buffer)) return view;
    let copy = moved.get(view);
    if (copy === undefined) {
      copy = slab.copy(view);
      moved.set(view, copy);
      bytesMoved += view.byteLength;
    }
    return copy;
  };
  const { keys, valueBuffers, valueSizes } = columns;
  for (let at = 0; at < columns.length; at++) {
    keys[at] = move(keys[at] as Uint8Array);
    if ((valueSizes[at] as number) > 0 && dead.has(valueBuffers[at] as ArrayBufferLike)) {
      const copy = slab.copy(columns.value(at));
      columns.setValue(at, copy);
      bytesMoved += copy.byteLength;
    }
  }
  return { buffersFreed: dead.size, bytesFreed, bytesMoved };
}

/**
 * The bytes of each buffer the entries' keys and values still view. A key is shared by the
 * revisions of its key and counted once; a value (one per revision, but for puts with
 * ignore_value) may be counted more than once, which only makes a buffer look more live.
 */
export function liveBytesByBuffer(columns: HistoryColumns): Map<ArrayBufferLike, number> {
  const live = new Map<ArrayBufferLike, number>();
  const keysSeen = new Set<Uint8Array>();
  const count = (buffer: ArrayBufferLike, bytes: number): void => {
    if (bytes > 0) live.set(buffer, (live.get(buffer) ?? 0) + bytes);
  };
  const { keys, valueBuffers, valueSizes } = columns;
  for (let at = 0; at < columns.length; at++) {
    const key = keys[at] as Uint8Array;
    if (!keysSeen.has(key)) {
      keysSeen.add(key);
      count(key.buffer, key.byteLength);
    }
    count(valueBuffers[at] as ArrayBufferLike, valueSizes[at] as number);
  }
  return live;
}
