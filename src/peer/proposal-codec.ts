import { Packr } from 'msgpackr';
import { assert } from '../util/assert.js';

/**
 * What one normal Raft entry carries: who proposed it (peer id plus a boot nonce,
 * so that sequence numbers from before a restart are never confused with new
 * ones), a sequence number for matching the applied entry to the waiting
 * request, and the state machine command.
 */
export interface Proposal {
  readonly origin: string;
  readonly seq: number;
  readonly command: unknown;
}

const packr = new Packr({ useRecords: false, moreTypes: false, int64AsType: 'number' });

export function encodeProposal(proposal: Proposal): Uint8Array {
  return packr.pack([proposal.origin, proposal.seq, proposal.command]);
}

/**
 * msgpackr caches a DataView on the buffer it reads (as a `dataView` property). Entry data
 * stays in the in-memory log until compaction, so reading it directly would add a DataView
 * and a property store to every entry, all copied by the young-generation collector and
 * then promoted. A throwaway view over the same bytes takes the cache and dies young.
 */
export function decodeProposal(data: Uint8Array): Proposal {
  const decoded: unknown = packr.unpack(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  assert(Array.isArray(decoded) && decoded.length === 3, 'a proposal entry is [origin, seq, command]');
  const [origin, seq, command] = decoded as [unknown, unknown, unknown];
  assert(typeof origin === 'string' && typeof seq === 'number', 'malformed proposal entry');
  return { origin, seq, command };
}
