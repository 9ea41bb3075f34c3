import { assertionFailed } from '../util/assert.js';
import { bytesText, textBytes } from './entry-text.js';

/** FNV-1a over a string, folded into a running 32-bit chain. */
function mixChain(chain: number, text: string): number {
  let h = (chain ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

interface KvImage {
  readonly index: number;
  readonly chain: number;
  readonly kv: readonly (readonly [string, string])[];
}

/**
 * The replicated application: a key-value map of `key=value` writes. It also
 * keeps a chain hash over every entry it applied (term, type, payload), so two
 * replicas at the same index can be compared in O(1), snapshots included.
 */
export class KvStateMachine {
  private readonly kv = new Map<string, string>();
  private appliedIndex = 0;
  private chainNow = 0;

  get index(): number {
    return this.appliedIndex;
  }

  get chain(): number {
    return this.chainNow;
  }

  get(key: string): string | undefined {
    return this.kv.get(key);
  }

  /** Applies one committed entry; returns the write it made, if any. */
  apply(index: number, term: number, fingerprint: string, isWrite: boolean): { key: string; value: string } | undefined {
    if (index !== this.appliedIndex + 1) assertionFailed(`apply ${index} after ${this.appliedIndex}: entries must apply in order`);
    this.appliedIndex = index;
    this.chainNow = mixChain(mixChain(this.chainNow, String(term)), fingerprint);
    if (!isWrite || fingerprint === '') return undefined;
    const eq = fingerprint.indexOf('=');
    if (!(eq > 0)) assertionFailed(`malformed write "${fingerprint}"`);
    const key = fingerprint.slice(0, eq);
    const value = fingerprint.slice(eq + 1);
    this.kv.set(key, value);
    return { key, value };
  }

  /** Serialises the image at the current index; keys sorted so equal states give equal bytes. */
  snapshotBytes(): Uint8Array {
    const kv = [...this.kv.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const image: KvImage = { index: this.appliedIndex, chain: this.chainNow, kv };
    return textBytes(JSON.stringify(image));
  }

  /** Replaces the state with a snapshot image taken at `index`. */
  restore(index: number, bytes: Uint8Array): void {
    this.kv.clear();
    if (bytes.byteLength === 0) {
      // The genesis snapshot carries membership only.
      this.appliedIndex = index;
      this.chainNow = 0;
      return;
    }
    const image = JSON.parse(bytesText(bytes)) as KvImage;
    if (image.index !== index) assertionFailed(`snapshot image at ${image.index} labelled ${index}`);
    for (const [key, value] of image.kv) this.kv.set(key, value);
    this.appliedIndex = image.index;
    this.chainNow = image.chain;
  }
}
