import type { RawData } from 'ws';

/** ws hands over Buffer, ArrayBuffer or fragments depending on settings; frames want one view. */
export function rawDataBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
