import type { ConfState, HardState } from '../raft/types.js';

/**
 * Small, rarely written records are JSON: readable with any LevelDB tool, and
 * their size does not matter. Decoders check the shape and return undefined on
 * anything unexpected, so the caller can report the key as corrupt.
 */

export interface SnapshotManifest {
  /** Names the chunk keys; a new snapshot always takes a new id. */
  readonly snapshotId: number;
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
  readonly chunkCount: number;
  readonly dataBytes: number;
  readonly dataCrc32: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeJson(value: HardState | SnapshotManifest): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeHardState(body: Uint8Array): HardState | undefined {
  const value = parse(body);
  if (!isRecord(value)) return undefined;
  const { term, vote, commit } = value;
  if (!isCount(term) || typeof vote !== 'string' || !isCount(commit)) return undefined;
  return { term, vote, commit };
}

export function decodeManifest(body: Uint8Array): SnapshotManifest | undefined {
  const value = parse(body);
  if (!isRecord(value)) return undefined;
  const { snapshotId, index, term, confState, chunkCount, dataBytes, dataCrc32 } = value;
  const counts = [snapshotId, index, term, chunkCount, dataBytes, dataCrc32];
  if (!counts.every(isCount) || !isConfState(confState)) return undefined;
  return {
    snapshotId: snapshotId as number,
    index: index as number,
    term: term as number,
    confState,
    chunkCount: chunkCount as number,
    dataBytes: dataBytes as number,
    dataCrc32: dataCrc32 as number,
  };
}

function parse(body: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
}

function isConfState(value: unknown): value is ConfState {
  if (!isRecord(value)) return false;
  return (
    isIdList(value['voters']) &&
    isIdList(value['learners']) &&
    isIdList(value['votersOutgoing']) &&
    isIdList(value['learnersNext'])
  );
}
