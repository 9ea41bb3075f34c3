import type { ConfState, HardState } from '../raft/types.js';

/**
 * Small, rarely written records are JSON: readable with any LevelDB tool, and
 * their size does not matter. Decoders check the shape and return undefined on
 * anything unexpected, so the caller can report the key as corrupt.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeJson(value: object): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeHardState(body: Uint8Array): HardState | undefined {
  const value = decodeJsonRecord(body);
  if (!isRecord(value)) return undefined;
  const { term, vote, commit } = value;
  if (!isCount(term) || typeof vote !== 'string' || !isCount(commit)) return undefined;
  return { term, vote, commit };
}

/** The JSON value of a record body, or undefined when it is not JSON. */
export function decodeJsonRecord(body: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(body));
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
}

export function isConfState(value: unknown): value is ConfState {
  if (!isRecord(value)) return false;
  return (
    isIdList(value['voters']) &&
    isIdList(value['learners']) &&
    isIdList(value['votersOutgoing']) &&
    isIdList(value['learnersNext'])
  );
}
