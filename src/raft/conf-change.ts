import { assert, assertionFailed } from '../util/assert.js';
import type { NodeId } from './types.js';

export type ConfChangeType = 'add-voter' | 'add-learner' | 'remove-node';

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque to the core; the application's data about the member (e.g. its addresses). */
  readonly context?: string;
}

/**
 * A membership change. No changes: leave a joint configuration. One change: a
 * simple change, applied directly (only one voter differs, so any two majorities
 * of the old and new sets overlap). More than one: enter a joint configuration
 * (thesis §4.3), which the leader leaves automatically once it is committed.
 */
export interface ConfChange {
  readonly changes: readonly ConfChangeSingle[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeConfChange(change: ConfChange): Uint8Array {
  return encoder.encode(JSON.stringify({ changes: change.changes }));
}

export function decodeConfChange(bytes: Uint8Array): ConfChange {
  const parsed: unknown = JSON.parse(decoder.decode(bytes));
  assert(typeof parsed === 'object' && parsed !== null, 'conf change must be an object');
  const changes = (parsed as { changes?: unknown }).changes;
  assert(Array.isArray(changes), 'conf change must have a changes array');
  for (const c of changes) {
    const single = c as Partial<ConfChangeSingle>;
    if (!(single.type === 'add-voter' || single.type === 'add-learner' || single.type === 'remove-node')) {
      assertionFailed(`bad conf change type ${String(single.type)}`);
    }
    assert(typeof single.nodeId === 'string' && single.nodeId.length > 0, 'conf change needs a node id');
    assert(single.context === undefined || typeof single.context === 'string', 'conf change context must be a string');
  }
  return { changes: changes as ConfChangeSingle[] };
}
