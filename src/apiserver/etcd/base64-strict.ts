import { badRequest, type GatewayError } from './gateway-error.js';

const ALPHABET = /[A-Za-z0-9+/]/;
/** A run of alphabet characters only: a single character class, so no backtracking state grows with the input. */
const ALPHABET_RUN = /^[A-Za-z0-9+/]*$/;
const PAD = 61; // '='
/** Go's decoder skips '\r' and '\n' anywhere (base64.StdEncoding.Decode), as MIME line breaks. */
const NEWLINES = /[\r\n]/;
const NEWLINES_ALL = /[\r\n]/g;
const isNewline = (char: string | undefined): boolean => char === '\n' || char === '\r';

/**
 * Decodes standard, padded base64 exactly as strictly as Go's encoding/json does for
 * []byte fields, so that bad input fails here as it fails in etcd's gateway, with the same
 * "illegal base64 data at input byte N" message (N is where Go's decoder gives up).
 */
export function decodeBase64Strict(text: string): Uint8Array {
  if (!wellFormed(text)) {
    const errorAt = firstInvalidOffset(text);
    if (errorAt !== undefined) throw illegalBase64(errorAt);
  }
  // A view of what Buffer.from decoded, not a copy: under 4 KiB Buffer.from cuts from
  // Node's shared pool, and a copy would be an ArrayBuffer of its own per key and value,
  // which V8 tracks and sweeps at the next scavenge. Decoded request bytes are short-lived:
  // what the store keeps it copies (keys, and values into its slab).
  const decoded = Buffer.from(NEWLINES.test(text) ? text.replace(NEWLINES_ALL, '') : text, 'base64');
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Whole quanta of the alphabet with at most two '=' at the very end: the common case,
 * checked in one native pass. Anything else is walked to find Go's error offset.
 */
function wellFormed(text: string): boolean {
  const length = text.length;
  if (length % 4 !== 0) return false;
  let end = length;
  if (length > 0 && text.charCodeAt(length - 1) === PAD) end = text.charCodeAt(length - 2) === PAD ? length - 2 : length - 1;
  return ALPHABET_RUN.test(end === length ? text : text.slice(0, end));
}

function illegalBase64(offset: number): GatewayError {
  return badRequest(`illegal base64 data at input byte ${offset}`);
}

/** Walks the text in quanta of four characters, as Go's decodeQuantum does (newlines skipped). */
function firstInvalidOffset(text: string): number | undefined {
  let index = 0;
  while (index < text.length) {
    for (let j = 0; j < 4; j++) {
      if (index === text.length) return j === 0 ? undefined : index - j;
      const char = text[index] as string;
      index++;
      if (isNewline(char)) {
        j--;
        continue;
      }
      if (ALPHABET.test(char)) continue;
      if (char !== '=') return index - 1;
      return paddingError(text, index, j);
    }
  }
  return undefined;
}

/** `index` is just past the first '=' found at position `j` of its quantum. */
function paddingError(text: string, index: number, j: number): number | undefined {
  if (j < 2) return index - 1;
  if (j === 2) {
    while (isNewline(text[index])) index++;
    if (index === text.length) return index;
    if (text[index] !== '=') return index - 1;
    index++;
  }
  while (isNewline(text[index])) index++;
  return index < text.length ? index : undefined;
}
