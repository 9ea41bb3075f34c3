/**
 * Keys are held internally as latin1 strings: one UTF-16 code unit per byte, so that
 * JavaScript string comparison is exactly etcd's bytewise key order, and keys can be
 * Map keys.
 */
export type KeyString = string;

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

export function toKeyString(bytes: Uint8Array): KeyString {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function fromKeyString(key: KeyString): Uint8Array {
  return new Uint8Array(Buffer.from(key, 'latin1'));
}

/** A private copy, so that callers mutating their buffers cannot change stored state. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && compareBytes(a, b) === 0;
}

/**
 * The end of the range of all keys with the given prefix, as clientv3.GetPrefixRangeEnd:
 * the prefix with its last non-0xff byte incremented and the rest dropped; "\0" (all keys)
 * when the prefix is all 0xff bytes.
 */
export function prefixRangeEnd(prefix: Uint8Array): Uint8Array {
  for (let i = prefix.byteLength - 1; i >= 0; i--) {
    const byte = prefix[i] as number;
    if (byte < 0xff) {
      const end = prefix.slice(0, i + 1);
      end[i] = byte + 1;
      return end;
    }
  }
  return new Uint8Array([0]);
}

/**
 * A key interval [low, high) in internal form. `high` undefined means unbounded above;
 * `single` means exactly the key `low`.
 */
export interface KeyInterval {
  readonly low: KeyString;
  readonly high: KeyString | undefined;
  readonly single: boolean;
}

/**
 * etcd's range_end conventions: absent or empty is the single key; "\0" is every key
 * greater than or equal to key; otherwise the half-open interval [key, range_end).
 */
export function keyInterval(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeyInterval {
  const low = toKeyString(key);
  if (rangeEnd === undefined || rangeEnd.byteLength === 0) return { low, high: low, single: true };
  if (rangeEnd.byteLength === 1 && rangeEnd[0] === 0) return { low, high: undefined, single: false };
  return { low, high: toKeyString(rangeEnd), single: false };
}

export function intervalContains(interval: KeyInterval, key: KeyString): boolean {
  if (interval.single) return key === interval.low;
  return key >= interval.low && (interval.high === undefined || key < interval.high);
}

export function intervalsIntersect(a: KeyInterval, b: KeyInterval): boolean {
  const aHigh = a.single ? undefined : a.high;
  const bHigh = b.single ? undefined : b.high;
  if (a.single) return intervalContains(b, a.low);
  if (b.single) return intervalContains(a, b.low);
  const aBeforeB = aHigh !== undefined && aHigh <= b.low;
  const bBeforeA = bHigh !== undefined && bHigh <= a.low;
  return !aBeforeB && !bBeforeA;
}
