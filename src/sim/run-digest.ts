import { createHash, type Hash } from 'node:crypto';

const FLUSH_CHARS = 1 << 16;

/**
 * sha256 over the canonical record of a run: every applied entry (node, index,
 * term) and every notable event, in order. Two runs with the same digest made
 * the same decisions in the same order.
 */
export class RunDigest {
  private readonly hash: Hash = createHash('sha256');
  private buffer = '';

  record(line: string): void {
    this.buffer += line;
    this.buffer += '\n';
    if (this.buffer.length >= FLUSH_CHARS) this.flush();
  }

  hex(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    this.hash.update(this.buffer);
    this.buffer = '';
  }
}
