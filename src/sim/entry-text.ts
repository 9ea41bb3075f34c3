import type { Entry } from '../raft/types.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** Entries are immutable and shared between simulated nodes, so their text is decoded once. */
const textCache = new WeakMap<Entry, string>();

/** The entry's payload as text: every payload the simulator proposes is UTF-8. */
export function entryText(entry: Entry): string {
  let text = textCache.get(entry);
  if (text === undefined) {
    text = entry.data.byteLength === 0 ? '' : decoder.decode(entry.data);
    textCache.set(entry, text);
  }
  return text;
}

/** What makes two entries "the same entry" for the checkers: type and payload. */
export function entryFingerprint(entry: Entry): string {
  return entry.type === 'normal' ? entryText(entry) : `cc:${entryText(entry)}`;
}

export function textBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function bytesText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
