import type { ConfState, Entry, EntryType, Message, MessageType, Snapshot } from '../raft/types.js';
import { entryBytes } from '../raft/types.js';
import { TransportError } from './transport-error.js';
import type { Mutable } from '../util/mutable.js';
import type { TransportLimits } from './transport-limits.js';

/**
 * Raft messages travel as positional msgpack arrays (see README.md#wire-format):
 * compact for the common heartbeat and easy to validate field by field. The codes
 * below are part of the wire format: append only, never renumber.
 */
export const MESSAGE_TYPE_CODES: readonly MessageType[] = Object.freeze([
  'append',
  'append-resp',
  'heartbeat',
  'heartbeat-resp',
  'vote',
  'vote-resp',
  'pre-vote',
  'pre-vote-resp',
  'snapshot',
  'propose',
  'read-index',
  'read-index-resp',
  'timeout-now',
  'transfer-leader',
]);
const ENTRY_TYPE_CODES: readonly EntryType[] = Object.freeze(['normal', 'conf-change']);

const MESSAGE_FIELDS = 12;
const MESSAGE_OVERHEAD_BYTES = 64;

export type WireLimits = Pick<
  TransportLimits,
  'entriesPerMessageMax' | 'nodeIdBytesMax' | 'contextBytesMax' | 'membersMax' | 'snapshotBytesMax'
>;

export function messageToWire(message: Message): unknown[] {
  return writeMessageWire(new Array<unknown>(MESSAGE_FIELDS), message, message.entries.map((e) => writeEntryWire(new Array<unknown>(4), e)));
}

/** Lays a message out in `out` (MESSAGE_FIELDS slots), its entries already laid out. */
function writeMessageWire(out: unknown[], message: Message, entries: readonly unknown[]): unknown[] {
  out[0] = MESSAGE_TYPE_CODES.indexOf(message.type);
  out[1] = message.from;
  out[2] = message.to;
  out[3] = message.term;
  out[4] = message.logTerm;
  out[5] = message.index;
  out[6] = message.commit;
  out[7] = message.reject;
  out[8] = message.rejectHint;
  out[9] = entries;
  out[10] = message.snapshot === undefined ? null : snapshotToWire(message.snapshot);
  out[11] = message.context ?? null;
  return out;
}

/** Lays an entry out in `out` (four slots). */
function writeEntryWire(out: unknown[], e: Entry): unknown[] {
  out[0] = e.term;
  out[1] = e.index;
  out[2] = ENTRY_TYPE_CODES.indexOf(e.type);
  out[3] = e.data;
  return out;
}

/** Pooled arrays kept at most: a catch-up batch larger than this lays out the rest afresh. */
const POOLED_MESSAGES_MAX = 256;
const POOLED_ENTRIES_MAX = 1024;
const NO_ENTRIES: readonly unknown[] = Object.freeze([]);

/**
 * The arrays a batch frame is laid out in for msgpackr, reused frame after frame. pack()
 * reads them synchronously and keeps no reference to them, so one set serves every batch
 * a process encodes; release() empties their slots after each pack, so they hold no
 * entry's data alive. Laid out afresh (messageToWire), a leader's four frames per put made
 * about 1 KB of arrays and closures for the collector.
 */
export class BatchWire {
  private readonly messages: unknown[][] = [];
  private readonly entries: unknown[][] = [];
  private messagesUsed = 0;
  private entriesUsed = 0;
  private readonly frame: unknown[] = [0, null];

  /** [code, [message, ...]] for msgpackr; valid until release(). */
  layout(code: number, batch: readonly Message[]): unknown[] {
    const list = new Array<unknown>(batch.length);
    for (let i = 0; i < batch.length; i++) list[i] = this.message(batch[i]!);
    this.frame[0] = code;
    this.frame[1] = list;
    return this.frame;
  }

  /** Empties every slot the last layout filled. */
  release(): void {
    for (let i = 0; i < Math.min(this.messagesUsed, this.messages.length); i++) this.messages[i]!.fill(null);
    for (let i = 0; i < Math.min(this.entriesUsed, this.entries.length); i++) this.entries[i]!.fill(null);
    this.messagesUsed = 0;
    this.entriesUsed = 0;
    this.frame[1] = null;
  }

  /** Slots holding a value now (for tests: zero after release). */
  held(): number {
    let count = this.frame[1] === null ? 0 : 1;
    for (const array of [...this.messages, ...this.entries]) for (const slot of array) if (slot !== null) count++;
    return count;
  }

  private message(message: Message): unknown[] {
    const at = this.messagesUsed++;
    const out = at < POOLED_MESSAGES_MAX ? (this.messages[at] ??= new Array<unknown>(MESSAGE_FIELDS).fill(null)) : new Array<unknown>(MESSAGE_FIELDS);
    return writeMessageWire(out, message, this.entryList(message.entries));
  }

  private entryList(entries: readonly Entry[]): readonly unknown[] {
    if (entries.length === 0) return NO_ENTRIES;
    const list = new Array<unknown>(entries.length);
    for (let j = 0; j < entries.length; j++) {
      const at = this.entriesUsed++;
      const out = at < POOLED_ENTRIES_MAX ? (this.entries[at] ??= [0, 0, 0, null]) : new Array<unknown>(4);
      list[j] = writeEntryWire(out, entries[j]!);
    }
    return list;
  }
}

function snapshotToWire(snapshot: Snapshot): unknown[] {
  const c = snapshot.meta.confState;
  return [snapshot.meta.index, snapshot.meta.term, [c.voters, c.learners, c.votersOutgoing, c.learnersNext], snapshot.data];
}

/** Upper-bound guess of a message's encoded size, for queue byte limits and batch sizing. */
export function estimateMessageBytes(message: Message): number {
  let bytes = MESSAGE_OVERHEAD_BYTES + message.from.length + message.to.length;
  for (const entry of message.entries) bytes += entryBytes(entry);
  if (message.snapshot !== undefined) {
    const c = message.snapshot.meta.confState;
    const members = c.voters.length + c.learners.length + c.votersOutgoing.length + c.learnersNext.length;
    bytes += message.snapshot.data.byteLength + 32 + members * 72;
  }
  if (message.context !== undefined) bytes += message.context.byteLength + 8;
  return bytes;
}

function fail(path: string, expected: string): TransportError {
  return new TransportError('TRANSPORT_BAD_FRAME', `${path}: expected ${expected}`, { path });
}

/**
 * Readers take the path of what they read as a base and an optional field, and join them
 * only to report a failure: a frame of a hundred entries would otherwise build hundreds
 * of path strings that no one reads.
 */
function at(path: string, field: string | undefined): string {
  return field === undefined ? path : `${path}.${field}`;
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function readUint(value: unknown, path: string, field?: string): number {
  if (!isUint(value)) throw fail(at(path, field), 'a non-negative integer');
  return value;
}

export function readString(value: unknown, path: string, bytesMax: number, field?: string): string {
  if (typeof value !== 'string' || Buffer.byteLength(value) > bytesMax) throw fail(at(path, field), `a string of at most ${bytesMax} bytes`);
  return value;
}

export function readBytes(value: unknown, path: string, bytesMax: number, field?: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.byteLength > bytesMax) throw fail(at(path, field), `binary of at most ${bytesMax} bytes`);
  return value;
}

export function readArray(value: unknown, path: string, lengthMax: number, lengthMin = 0, field?: string): unknown[] {
  if (!Array.isArray(value) || value.length > lengthMax || value.length < lengthMin) {
    throw fail(at(path, field), `an array of ${lengthMin}..${lengthMax} items`);
  }
  return value;
}

function readCode<T>(value: unknown, path: string, codes: readonly T[], field?: string): T {
  const code = readUint(value, path, field);
  const decoded = codes[code];
  if (decoded === undefined) throw fail(at(path, field), `a code below ${codes.length}`);
  return decoded;
}

/** Entry i of a message's entries; its path is built only if the entry is malformed. */
function readEntry(value: unknown, messagePath: string, i: number): Entry {
  if (Array.isArray(value) && value.length === 4) {
    const [term, index, code, data] = value as unknown[];
    const type = isUint(code) ? ENTRY_TYPE_CODES[code] : undefined;
    if (isUint(term) && isUint(index) && type !== undefined && data instanceof Uint8Array) return { term, index, type, data };
  }
  return readEntryStrictly(value, `${messagePath}.entries[${i}]`); // throws, naming the field
}

function readEntryStrictly(value: unknown, path: string): Entry {
  const f = readArray(value, path, 4, 4);
  return {
    term: readUint(f[0], `${path}.term`),
    index: readUint(f[1], `${path}.index`),
    type: readCode(f[2], `${path}.type`, ENTRY_TYPE_CODES),
    data: readBytes(f[3], `${path}.data`, Number.MAX_SAFE_INTEGER),
  };
}

function readIds(value: unknown, path: string, limits: WireLimits): string[] {
  return readArray(value, path, limits.membersMax).map((id, i) => readString(id, `${path}[${i}]`, limits.nodeIdBytesMax));
}

function readConfState(value: unknown, path: string, limits: WireLimits): ConfState {
  const f = readArray(value, path, 4, 4);
  return {
    voters: readIds(f[0], `${path}.voters`, limits),
    learners: readIds(f[1], `${path}.learners`, limits),
    votersOutgoing: readIds(f[2], `${path}.votersOutgoing`, limits),
    learnersNext: readIds(f[3], `${path}.learnersNext`, limits),
  };
}

function readSnapshot(value: unknown, path: string, limits: WireLimits): Snapshot {
  const f = readArray(value, path, 4, 4);
  return {
    meta: {
      index: readUint(f[0], `${path}.index`),
      term: readUint(f[1], `${path}.term`),
      confState: readConfState(f[2], `${path}.confState`, limits),
    },
    data: readBytes(f[3], `${path}.data`, limits.snapshotBytesMax),
  };
}

/** Validates one decoded wire message and builds a fresh Message; throws TRANSPORT_BAD_FRAME. */
export function messageFromWire(value: unknown, path: string, limits: WireLimits): Message {
  const f = readArray(value, path, MESSAGE_FIELDS, MESSAGE_FIELDS);
  const wireEntries = readArray(f[9], path, limits.entriesPerMessageMax, 0, 'entries');
  const entries = new Array<Entry>(wireEntries.length);
  for (let i = 0; i < wireEntries.length; i++) entries[i] = readEntry(wireEntries[i], path, i);
  if (typeof f[7] !== 'boolean') throw fail(`${path}.reject`, 'a boolean');
  const message: Mutable<Message> = {
    type: readCode(f[0], path, MESSAGE_TYPE_CODES, 'type'),
    from: readString(f[1], path, limits.nodeIdBytesMax, 'from'),
    to: readString(f[2], path, limits.nodeIdBytesMax, 'to'),
    term: readUint(f[3], path, 'term'),
    logTerm: readUint(f[4], path, 'logTerm'),
    index: readUint(f[5], path, 'index'),
    commit: readUint(f[6], path, 'commit'),
    reject: f[7],
    rejectHint: readUint(f[8], path, 'rejectHint'),
    entries,
  };
  if (f[10] !== null) message.snapshot = readSnapshot(f[10], `${path}.snapshot`, limits);
  if (f[11] !== null) message.context = readBytes(f[11], `${path}.context`, limits.contextBytesMax);
  return message;
}
