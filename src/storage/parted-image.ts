import { assertionFailed } from '../util/assert.js';

/**
 * A snapshot image held as the concatenation of immutable parts, so that it need not be
 * copied into one buffer to be written: the store's image is mostly its encoded history,
 * which it keeps between snapshots anyway, and consecutive images share those parts.
 * Chunks are cut from the parts as they are written (LevelDurableLog.writeChunks), and a
 * chunk whose bytes are the same memory in both images is known equal without comparing.
 */
export class PartedImage {
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;
  /** starts[i]: offset of parts[i] in the image. */
  private readonly starts: number[];

  constructor(parts: readonly Uint8Array[]) {
    this.parts = parts.filter((part) => part.byteLength > 0);
    this.starts = [];
    let offset = 0;
    for (const part of this.parts) {
      this.starts.push(offset);
      offset += part.byteLength;
    }
    this.byteLength = offset;
  }

  static whole(data: Uint8Array): PartedImage {
    return new PartedImage([data]);
  }

  /** Bytes [start, end): a view when they lie in one part, a copy otherwise. */
  slice(start: number, end: number): Uint8Array {
    if (!(0 <= start && start <= end && end <= this.byteLength)) assertionFailed(`slice [${start}, ${end}) outside an image of ${this.byteLength} bytes`);
    if (start === end) return new Uint8Array(0);
    let index = this.partAt(start);
    let part = this.parts[index]!;
    let from = start - this.starts[index]!;
    if (from + (end - start) <= part.byteLength) return part.subarray(from, from + (end - start));
    const out = new Uint8Array(end - start);
    for (let written = 0; written < out.byteLength; index += 1, from = 0) {
      part = this.parts[index]!;
      const piece = part.subarray(from, Math.min(part.byteLength, from + out.byteLength - written));
      out.set(piece, written);
      written += piece.byteLength;
    }
    return out;
  }

  /**
   * Are bytes [start, end) the same in both images? Where both hold the same memory (one
   * part shared by two images, at the same offset) they are, without a comparison.
   */
  equalRange(other: PartedImage, start: number, end: number): boolean {
    if (end > this.byteLength || end > other.byteLength) return false;
    let position = start;
    while (position < end) {
      const i = this.partAt(position);
      const j = other.partAt(position);
      const a = this.parts[i]!;
      const b = other.parts[j]!;
      const fromA = position - this.starts[i]!;
      const fromB = position - other.starts[j]!;
      const n = Math.min(end - position, a.byteLength - fromA, b.byteLength - fromB);
      const sameMemory = a.buffer === b.buffer && a.byteOffset + fromA === b.byteOffset + fromB;
      if (!sameMemory && Buffer.compare(a.subarray(fromA, fromA + n), b.subarray(fromB, fromB + n)) !== 0) return false;
      position += n;
    }
    return true;
  }

  /** The image in one buffer. */
  join(): Uint8Array {
    return this.slice(0, this.byteLength);
  }

  /** The index of the part holding byte `offset` (offset < byteLength). */
  private partAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
