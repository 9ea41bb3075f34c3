import { badRequest } from './gateway-error.js';

/**
 * Splits a streamed request body into top-level JSON objects, as the gateway's decoder
 * reads one message after another from a streaming call's body. Only the text of the
 * object being read is held, and at most `pendingCharsMax` of it.
 */
export class JsonValueSplitter {
  private pending = '';
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly pendingCharsMax: number) {}

  /**
   * The objects completed by this chunk, as text, in order, and the error that stopped the
   * scan if one did: what came before bad input is still served, as a streaming decoder
   * hands on each message before it reads the next.
   */
  push(chunk: string): { values: string[]; error?: Error } {
    const values: string[] = [];
    for (const char of chunk) {
      if (this.depth === 0 && !this.inString) {
        if (/\s/.test(char)) continue;
        if (char !== '{') return { values, error: badRequest(`invalid character '${char}' looking for beginning of value`) };
      }
      this.pending += char;
      if (this.pending.length > this.pendingCharsMax) {
        return { values, error: badRequest(`a streamed request message is larger than ${this.pendingCharsMax} characters`) };
      }
      if (this.step(char)) {
        values.push(this.pending);
        this.pending = '';
      }
    }
    return { values };
  }

  /** True when the body ended between messages. */
  get idle(): boolean {
    return this.pending === '';
  }

  /** Advances the scanner by one character; true when it closes a top-level object. */
  private step(char: string): boolean {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (char === '\\') this.escaped = true;
      else if (char === '"') this.inString = false;
      return false;
    }
    if (char === '"') this.inString = true;
    else if (char === '{' || char === '[') this.depth++;
    else if (char === '}' || char === ']') {
      this.depth--;
      return this.depth === 0;
    }
    return false;
  }
}
