import { Packr } from 'msgpackr';
import type { Message } from '../raft/types.js';
import { assert } from '../util/assert.js';
import { BatchWire, messageFromWire, messageToWire, readArray, readBytes, readString, readUint } from './message-wire.js';
import { TransportError } from './transport-error.js';
import type { TransportLimits } from './transport-limits.js';

/** Bumped on any incompatible change to frames or messages; checked in the handshake. */
export const PROTOCOL_VERSION = 1;
export const NONCE_BYTES = 32;
export const PROOF_BYTES = 32; // HMAC-SHA256
export const CHECKSUM_BYTES = 32; // SHA-256

export type ChallengeFrame = { kind: 'challenge'; version: number; clusterId: string; nonce: Uint8Array };
export type AuthFrame = {
  kind: 'auth';
  version: number;
  clusterId: string;
  from: string;
  to: string;
  nonce: Uint8Array;
  proof: Uint8Array;
};
export type WelcomeFrame = { kind: 'welcome'; proof: Uint8Array };
export type BatchFrame = { kind: 'batch'; messages: Message[] };
/** One piece of a snapshot too large for one frame; `header` (the message without data) rides on seq 0 only. */
export type ChunkFrame = {
  kind: 'chunk';
  streamId: number;
  seq: number;
  chunkCount: number;
  totalBytes: number;
  sha256: Uint8Array;
  header: Message | null;
  data: Uint8Array;
};
export type Frame = ChallengeFrame | AuthFrame | WelcomeFrame | BatchFrame | ChunkFrame;
export type FrameKind = Frame['kind'];

/** Wire codes for frame kinds, the first element of every frame array. */
const KIND_CODES: Readonly<Record<FrameKind, number>> = Object.freeze({
  challenge: 1,
  auth: 2,
  welcome: 3,
  batch: 4,
  chunk: 5,
});

export type FrameLimits = Pick<
  TransportLimits,
  | 'frameBytesMax'
  | 'batchMessagesMax'
  | 'entriesPerMessageMax'
  | 'nodeIdBytesMax'
  | 'clusterIdBytesMax'
  | 'contextBytesMax'
  | 'membersMax'
  | 'snapshotBytesMax'
>;

// Plain arrays and maps only (no record extension). Binaries decode as views into the
// frame, not copies: a received frame is a buffer of its own (a socket read, or ws's join
// of a fragmented message), never reused. A follower keeps an append's entries until its
// next snapshot, and they are most of the frame, so a view pins about what a copy would
// hold, without a copy and an ArrayBuffer per entry. Snapshot chunks are copied into the
// image being reassembled, so their frames go as soon as they are read.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, copyBuffers: false, moreTypes: false });

/** The wire form of every frame but a batch (encodeFrame lays batches out in BatchWire). */
function frameToWire(frame: Exclude<Frame, BatchFrame>): unknown[] {
  const code = KIND_CODES[frame.kind];
  switch (frame.kind) {
    case 'challenge':
      return [code, frame.version, frame.clusterId, frame.nonce];
    case 'auth':
      return [code, frame.version, frame.clusterId, frame.from, frame.to, frame.nonce, frame.proof];
    case 'welcome':
      return [code, frame.proof];
    case 'chunk':
      return [
        code,
        frame.streamId,
        frame.seq,
        frame.chunkCount,
        frame.totalBytes,
        frame.sha256,
        frame.header === null ? null : messageToWire(frame.header),
        frame.data,
      ];
  }
}

/** Batch frames, the ones every put sends, are laid out in reused arrays (see BatchWire). */
const batchWire = new BatchWire();

export function encodeFrame(frame: Frame): Uint8Array {
  let bytes: Uint8Array;
  if (frame.kind === 'batch') {
    try {
      bytes = packr.pack(batchWire.layout(KIND_CODES.batch, frame.messages));
    } finally {
      batchWire.release();
    }
  } else {
    bytes = packr.pack(frameToWire(frame));
  }
  assert(bytes.byteLength > 0, 'encoded an empty frame');
  return bytes;
}

function fixedBytes(value: unknown, path: string, size: number): Uint8Array {
  const bytes = readBytes(value, path, size);
  if (bytes.byteLength !== size) {
    throw new TransportError('TRANSPORT_BAD_FRAME', `${path}: expected ${size} bytes`, { path });
  }
  return bytes;
}

function wireToFrame(f: unknown[], limits: FrameLimits): Frame {
  const id = (value: unknown, path: string): string => readString(value, path, limits.nodeIdBytesMax);
  switch (f[0]) {
    case KIND_CODES.challenge:
      readArray(f, 'challenge', 4, 4);
      return {
        kind: 'challenge',
        version: readUint(f[1], 'challenge.version'),
        clusterId: readString(f[2], 'challenge.clusterId', limits.clusterIdBytesMax),
        nonce: fixedBytes(f[3], 'challenge.nonce', NONCE_BYTES),
      };
    case KIND_CODES.auth:
      readArray(f, 'auth', 7, 7);
      return {
        kind: 'auth',
        version: readUint(f[1], 'auth.version'),
        clusterId: readString(f[2], 'auth.clusterId', limits.clusterIdBytesMax),
        from: id(f[3], 'auth.from'),
        to: id(f[4], 'auth.to'),
        nonce: fixedBytes(f[5], 'auth.nonce', NONCE_BYTES),
        proof: fixedBytes(f[6], 'auth.proof', PROOF_BYTES),
      };
    case KIND_CODES.welcome:
      readArray(f, 'welcome', 2, 2);
      return { kind: 'welcome', proof: fixedBytes(f[1], 'welcome.proof', PROOF_BYTES) };
    case KIND_CODES.batch: {
      readArray(f, 'batch', 2, 2);
      const wire = readArray(f[1], 'batch.messages', limits.batchMessagesMax, 1);
      return { kind: 'batch', messages: wire.map((m, i) => messageFromWire(m, batchMessagePath(i), limits)) };
    }
    case KIND_CODES.chunk:
      return wireToChunk(f, limits);
    default:
      throw new TransportError('TRANSPORT_BAD_FRAME', 'unknown frame kind', { kind: String(f[0]) });
  }
}

/** Each message's path, for errors: built once per position, not once per message received. */
const batchMessagePaths: string[] = [];
function batchMessagePath(i: number): string {
  return (batchMessagePaths[i] ??= `batch.messages[${i}]`);
}

function wireToChunk(f: unknown[], limits: FrameLimits): ChunkFrame {
  readArray(f, 'chunk', 8, 8);
  const frame: ChunkFrame = {
    kind: 'chunk',
    streamId: readUint(f[1], 'chunk.streamId'),
    seq: readUint(f[2], 'chunk.seq'),
    chunkCount: readUint(f[3], 'chunk.chunkCount'),
    totalBytes: readUint(f[4], 'chunk.totalBytes'),
    sha256: fixedBytes(f[5], 'chunk.sha256', CHECKSUM_BYTES),
    header: f[6] === null ? null : messageFromWire(f[6], 'chunk.header', limits),
    data: readBytes(f[7], 'chunk.data', limits.frameBytesMax),
  };
  if ((frame.seq === 0) !== (frame.header !== null)) {
    throw new TransportError('TRANSPORT_BAD_FRAME', 'chunk.header must be present on seq 0 only', { seq: frame.seq });
  }
  if (frame.chunkCount === 0 || frame.seq >= frame.chunkCount) {
    throw new TransportError('TRANSPORT_BAD_FRAME', 'chunk.seq out of range', { seq: frame.seq, count: frame.chunkCount });
  }
  return frame;
}

/**
 * Turns untrusted bytes into a validated Frame or throws a TransportError. Never
 * throws anything else: msgpack errors from garbage become TRANSPORT_BAD_FRAME.
 */
export function decodeFrame(bytes: Uint8Array, limits: FrameLimits): Frame {
  if (bytes.byteLength > limits.frameBytesMax) {
    throw new TransportError('TRANSPORT_FRAME_TOO_LARGE', 'frame exceeds frameBytesMax', {
      bytes: bytes.byteLength,
      frameBytesMax: limits.frameBytesMax,
    });
  }
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (error) {
    throw new TransportError('TRANSPORT_BAD_FRAME', 'not a msgpack value', { cause: String(error) });
  }
  const wire = readArray(value, 'frame', 8, 2);
  try {
    return wireToFrame(wire, limits);
  } catch (error) {
    if (error instanceof TransportError) throw error;
    // Validation code reads only plain values; anything else is a decoder surprise, not a crash.
    throw new TransportError('TRANSPORT_BAD_FRAME', 'malformed frame', { cause: String(error) });
  }
}
