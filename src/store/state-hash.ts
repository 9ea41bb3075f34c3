import { createHash } from 'node:crypto';
import type { MvccState } from './mvcc-state.js';
import { isTombstone } from './history.js';

export interface HashKvResult {
  /** Hex SHA-256 over every entry at or below `revision` still held, plus the compact revision. */
  readonly hash: string;
  readonly revision: number;
  readonly compactRevision: number;
}

function int(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(BigInt(value));
  return buffer;
}

function sized(bytes: Uint8Array): Buffer[] {
  return [int(bytes.byteLength), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
}

/**
 * Like etcd's HashKV: a digest of the key-value history up to a revision, so that peers
 * that applied the same entries can be compared at the same revision even while one of
 * them has applied more since.
 */
export function hashKv(state: MvccState, revision: number): HashKvResult {
  const hash = createHash('sha256');
  hash.update(int(state.compactRevision));
  for (const { revision: at, entry: kv } of state.history.entries()) {
    if (at.main > revision) break;
    for (const part of [int(at.main), int(at.sub), int(isTombstone(kv) ? 1 : 0), ...sized(kv.key), ...sized(kv.value)]) {
      hash.update(part);
    }
    hash.update(int(kv.createRevision));
    hash.update(int(kv.version));
    for (const part of sized(Buffer.from(kv.lease, 'latin1'))) hash.update(part);
  }
  return { hash: hash.digest('hex'), revision, compactRevision: state.compactRevision };
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
