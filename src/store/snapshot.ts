import { Packr } from 'msgpackr';
import { toKeyString } from './bytes.js';
import { StoreError } from './errors.js';
import { isLeaseId } from './lease-id.js';
import type { LeaseRecord } from './lease-table.js';
import { MvccState } from './mvcc-state.js';
import type { KeyValue } from './types.js';

export const SNAPSHOT_FORMAT = 'raftplane-store/1';

/** [main, sub, tombstone, key, value, createRevision, version, lease] */
type EntryTuple = [number, number, boolean, Uint8Array, Uint8Array, number, number, string];
/** [id, ttlSeconds, deadlineMs] */
type LeaseTuple = [string, number, number];

interface SnapshotData {
  format: string;
  revision: number;
  compactRevision: number;
  entries: EntryTuple[];
  leases: LeaseTuple[];
  leaseIdNext: string;
}

export interface DecodedSnapshot {
  readonly state: MvccState;
  readonly leases: LeaseRecord[];
  readonly leaseIdNext: string;
}

// Records off: a plain, self-describing encoding whose bytes depend only on the data.
const packr = new Packr({ useRecords: false, moreTypes: false });

/**
 * The whole replicated state: every history entry still held (revision order), the leases
 * (id order) and the counters. Indexes and lease attachments are derived, so they are
 * rebuilt on decode rather than stored. Same state, same bytes.
 */
export function encodeSnapshot(state: MvccState, leases: readonly LeaseRecord[], leaseIdNext: string): Uint8Array {
  const entries: EntryTuple[] = [];
  for (const { revision, entry } of state.history.entries()) {
    const { kv } = entry;
    entries.push([revision.main, revision.sub, entry.tombstone, kv.key, kv.value, kv.createRevision, kv.version, kv.lease]);
  }
  const data: SnapshotData = {
    format: SNAPSHOT_FORMAT,
    revision: state.currentRevision,
    compactRevision: state.compactRevision,
    entries,
    leases: leases.map((lease) => [lease.id, lease.ttlSeconds, lease.deadlineMs]),
    leaseIdNext,
  };
  return packr.pack(data);
}

function invalid(reason: string): StoreError {
  return new StoreError('STORE_SNAPSHOT_INVALID', `store snapshot is invalid: ${reason}`, { reason });
}

const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;

function checkEntry(value: unknown): EntryTuple {
  if (!Array.isArray(value) || value.length !== 8) throw invalid('entry is not an 8-tuple');
  const [main, sub, tombstone, key, bytes, createRevision, version, lease] = value as unknown[];
  const ok =
    isInteger(main) && isInteger(sub) && typeof tombstone === 'boolean' && isBytes(key) && isBytes(bytes) &&
    isInteger(createRevision) && isInteger(version) && isLeaseId(lease);
  if (!ok) throw invalid('entry has a field of the wrong type');
  return value as EntryTuple;
}

function checkLease(value: unknown): LeaseRecord {
  if (!Array.isArray(value) || value.length !== 3) throw invalid('lease is not a 3-tuple');
  const [id, ttlSeconds, deadlineMs] = value as unknown[];
  if (!isLeaseId(id) || !isInteger(ttlSeconds) || !isInteger(deadlineMs)) throw invalid('lease has a field of the wrong type');
  return { id, ttlSeconds, deadlineMs };
}

function checkData(value: unknown): SnapshotData {
  if (typeof value !== 'object' || value === null) throw invalid('not an object');
  const data = value as Partial<SnapshotData>;
  if (data.format !== SNAPSHOT_FORMAT) throw invalid(`unknown format ${String(data.format)}`);
  if (!isInteger(data.revision) || !isInteger(data.compactRevision) || data.revision < 1) throw invalid('bad revisions');
  if (data.compactRevision < 0 || data.compactRevision > data.revision) throw invalid('compact revision beyond current');
  if (!Array.isArray(data.entries) || !Array.isArray(data.leases)) throw invalid('missing entries or leases');
  if (typeof data.leaseIdNext !== 'string' || !/^[1-9][0-9]*$/.test(data.leaseIdNext)) throw invalid('bad leaseIdNext');
  return data as SnapshotData;
}

function rebuildState(data: SnapshotData): MvccState {
  const state = new MvccState();
  for (const raw of data.entries) {
    const [main, sub, tombstone, key, value, createRevision, version, lease] = checkEntry(raw);
    const keyString = toKeyString(key);
    const kv: KeyValue = { key, value, createRevision, modRevision: main, version, lease };
    state.history.append({ main, sub }, { key: keyString, kv, tombstone });
    if (tombstone) state.index.tombstone(keyString, { main, sub });
    else state.index.put(keyString, { main, sub });
  }
  state.currentRevision = data.revision;
  state.compactRevision = data.compactRevision;
  return state;
}

export function decodeSnapshot(bytes: Uint8Array): DecodedSnapshot {
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (error) {
    throw invalid(`undecodable: ${(error as Error).message}`);
  }
  const data = checkData(value);
  let state: MvccState;
  try {
    state = rebuildState(data);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    // A well-formed but inconsistent snapshot (revisions out of order, a tombstone on a
    // missing key) trips an index assertion: report it as a bad snapshot, not a crash.
    throw invalid(`inconsistent history: ${(error as Error).message}`);
  }
  return { state, leases: data.leases.map(checkLease), leaseIdNext: data.leaseIdNext };
}
