import { nextTurn } from '../util/next-turn.js';
import { toKeyString } from './bytes.js';
import { StoreError } from './errors.js';
import { isLeaseId } from './lease-id.js';
import type { LeaseRecord } from './lease-table.js';
import { MvccState } from './mvcc-state.js';
import type { KeyValue } from './types.js';
import { EncodedHistory, snapshotPackr, type EntryTuple, type OrderedHistory } from './encoded-history.js';

export const SNAPSHOT_FORMAT = 'raftplane-store/1';

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

/** What a snapshot holds, captured at one moment: history entries are immutable, so refs suffice. */
export interface SnapshotView {
  readonly revision: number;
  readonly compactRevision: number;
  /** History in revision order (append-only arrays), of which the first `count` entries. */
  readonly order: OrderedHistory;
  readonly count: number;
  readonly leases: readonly LeaseTuple[];
  readonly leaseIdNext: string;
}

/** Cheap and synchronous: the history as it stands (by reference and length), and the leases. */
export function captureSnapshot(state: MvccState, leases: readonly LeaseRecord[], leaseIdNext: string): SnapshotView {
  const order = state.history.ordered();
  return {
    revision: state.currentRevision,
    compactRevision: state.compactRevision,
    order,
    count: order.length,
    leases: leases.map((lease) => [lease.id, lease.ttlSeconds, lease.deadlineMs]),
    leaseIdNext,
  };
}

/**
 * The whole replicated state: every history entry still held (revision order), the leases
 * (id order) and the counters. Indexes and lease attachments are derived, so they are
 * rebuilt on decode rather than stored. Same state, same bytes.
 */
export function encodeSnapshot(state: MvccState, leases: readonly LeaseRecord[], leaseIdNext: string): Uint8Array {
  const view = captureSnapshot(state, leases, leaseIdNext);
  const history = new EncodedHistory(view.order, view.compactRevision);
  history.extend(view.count, view.count);
  const { parts, total } = imageLayout(view, history);
  return Buffer.concat(parts, total);
}

/** The parts of an image, in order, without joining them: see encodeSnapshotParts. */
export interface ImageParts {
  /** frame(image length), if a frame was given, then the image's parts. */
  readonly parts: Uint8Array[];
  readonly byteLength: number;
  readonly frameBytes: number;
  /** Where the encoded history entries lie, counted from the start of the frame. */
  readonly entriesStart: number;
  readonly entriesEnd: number;
  readonly history: EncodedHistory;
}

/**
 * The bytes encodeSnapshot gives, as a list of parts that are never joined here (a caller
 * that needs one buffer joins them: PartedImage.join): the history's encoded parts
 * themselves (immutable, kept between snapshots, so two consecutive images share them),
 * with the head and the leases around them. Entries not yet encoded are encoded
 * `entriesPerSlice` per turn first.
 */
export async function encodeSnapshotParts(
  view: SnapshotView,
  history?: EncodedHistory,
  frame?: (imageBytes: number) => Uint8Array,
  entriesPerSlice = 1000,
): Promise<ImageParts> {
  const usable = history?.continues(view.order, view.compactRevision, view.count) === true ? history : new EncodedHistory(view.order, view.compactRevision);
  while (!usable.extend(entriesPerSlice, view.count)) await nextTurn();
  const { parts, total, entriesStart, entriesEnd } = imageLayout(view, usable);
  const prefix = frame?.(total) ?? new Uint8Array(0);
  return {
    parts: [prefix, ...parts],
    byteLength: prefix.byteLength + total,
    frameBytes: prefix.byteLength,
    entriesStart: prefix.byteLength + entriesStart,
    entriesEnd: prefix.byteLength + entriesEnd,
    history: usable,
  };
}


/**
 * The SnapshotData map written by hand around the encoded entries, each other part packed
 * by the same Packr. The counters before the entries and the entries' array header have a
 * fixed width (msgpack allows a wider form than the smallest), so the history's bytes start
 * at the same offset in every image: an image shares the chunks of the one before only
 * where they are equal at the same place (see storage's snapshot chunks), and a counter
 * that grew into msgpack's next size class (65,536 revisions, say) would otherwise shift
 * every byte after it and have the whole image written again.
 */
function imageLayout(view: SnapshotView, history: EncodedHistory): { parts: Uint8Array[]; total: number; entriesStart: number; entriesEnd: number } {
  const head: Omit<SnapshotData, 'entries' | 'leases' | 'leaseIdNext'> = {
    format: SNAPSHOT_FORMAT,
    revision: view.revision,
    compactRevision: view.compactRevision,
  };
  const before: Uint8Array[] = [Uint8Array.of(0xde, 0x00, 0x06)]; // a map of the six SnapshotData fields, as msgpackr heads objects
  for (const [name, value] of Object.entries(head)) before.push(packed(name), typeof value === 'number' ? fixedUint(value) : packed(value));
  before.push(packed('entries'), arrayHeader(view.count));
  const entries = history.partsThrough(view.count);
  const after = [packed('leases'), packed(view.leases), packed('leaseIdNext'), packed(view.leaseIdNext)];
  const entriesStart = before.reduce((sum, part) => sum + part.byteLength, 0);
  const entriesEnd = entries.reduce((sum, part) => sum + part.byteLength, entriesStart);
  const total = after.reduce((sum, part) => sum + part.byteLength, entriesEnd);
  return { parts: [...before, ...entries, ...after], total, entriesStart, entriesEnd };
}

/** Packr may reuse the memory behind what pack returned. */
function packed(value: unknown): Uint8Array {
  return Uint8Array.prototype.slice.call(snapshotPackr.pack(value));
}

/** msgpack array 32, whatever the length. */
function arrayHeader(length: number): Uint8Array {
  const header = new Uint8Array(5);
  header[0] = 0xdd;
  new DataView(header.buffer).setUint32(1, length);
  return header;
}

/** msgpack uint 32 up to 2^32 - 1 (five bytes whatever the value); beyond, what Packr writes. */
function fixedUint(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return packed(value);
  const out = new Uint8Array(5);
  out[0] = 0xce;
  new DataView(out.buffer).setUint32(1, value);
  return out;
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
    if (tombstone !== (version === 0)) throw invalid(`entry ${main}.${sub}: a tombstone has version 0, and only a tombstone`);
    const kv: KeyValue = { key, value, createRevision, modRevision: main, version, lease };
    state.history.append({ main, sub }, kv);
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
    value = snapshotPackr.unpack(bytes);
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
