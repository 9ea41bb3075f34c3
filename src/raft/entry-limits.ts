import { entryBytes, type Entry } from './types.js';

/**
 * Returns the longest prefix of `entries` whose total size is within `maxBytes`,
 * but always at least one entry, so that a single large entry still makes progress.
 */
export function limitSize(entries: readonly Entry[], maxBytes: number): Entry[] {
  return entries.slice(0, fittingCount(entries.length, (i) => entryBytes(entries[i] as Entry), maxBytes));
}

/**
 * limitSize's rule for `count` entries known by their sizes (`bytesAt(i)`, as entryBytes):
 * how many of the first fit within `maxBytes`, but at least one.
 */
export function fittingCount(count: number, bytesAt: (i: number) => number, maxBytes: number): number {
  if (count === 0) return 0;
  let size = bytesAt(0);
  let fitting = 1;
  for (; fitting < count; fitting++) {
    size += bytesAt(fitting);
    if (size > maxBytes) break;
  }
  return fitting;
}

export function payloadBytes(entries: readonly Entry[]): number {
  let total = 0;
  for (const e of entries) total += e.data.byteLength;
  return total;
}
