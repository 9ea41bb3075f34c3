import { badRequest, type GatewayError } from './gateway-error.js';

const ALPHABET = /[A-Za-z0-9+/]/;
/** Whole, well-padded standard base64: the common case, checked in one native pass. */
const WELL_FORMED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard, padded base64 exactly as strictly as Go's encoding/json does for
 * []byte fields, so that bad input fails here as it fails in etcd's gateway, with the same
 * "illegal base64 data at input byte N" message (N is where Go's decoder gives up).
 */
export function decodeBase64Strict(text: string): Uint8Array {
  if (!WELL_FORMED.test(text)) {
    const errorAt = firstInvalidOffset(text);
    if (errorAt !== undefined) throw illegalBase64(errorAt);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function illegalBase64(offset: number): GatewayError {
  return badRequest(`illegal base64 data at input byte ${offset}`);
}

/** Walks the text in quanta of four characters, as Go's decodeQuantum does. */
function firstInvalidOffset(text: string): number | undefined {
  let index = 0;
  while (index < text.length) {
    for (let j = 0; j < 4; j++) {
      if (index === text.length) return index - j;
      const char = text[index] as string;
      index++;
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
    if (index === text.length) return index;
    if (text[index] !== '=') return index - 1;
    index++;
  }
  return index < text.length ? index : undefined;
}
