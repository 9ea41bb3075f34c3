import { entryBytes, type Entry } from './types.js';

/**
 * Returns the longest prefix of `entries` whose total size is within `maxBytes`,
 * but always at least one entry, so that a single large entry still makes progress.
 */
export function limitSize(entries: readonly Entry[], maxBytes: number): Entry[] {
  if (entries.length === 0) return [];
  let size = entryBytes(entries[0] as Entry);
  let count = 1;
  for (; count < entries.length; count++) {
    size += entryBytes(entries[count] as Entry);
    if (size > maxBytes) break;
  }
  return entries.slice(0, count);
}

export function payloadBytes(entries: readonly Entry[]): number {
  let total = 0;
  for (const e of entries) total += e.data.byteLength;
  return total;
}
