/**
 * metadata.generateName → metadata.name, as apiserver's SimpleNameGenerator: the prefix cut
 * to 58 characters plus 5 characters from an alphabet without vowels (no accidental words)
 * and without look-alikes (0/o, 1/l). Randomness is injected so callers stay deterministic.
 */
export const GENERATED_SUFFIX_LENGTH = 5;
export const GENERATED_PREFIX_LENGTH_MAX = 63 - GENERATED_SUFFIX_LENGTH;
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `randomIndex(n)` returns an integer in [0, n). */
export function generateName(prefix: string, randomIndex: (n: number) => number): string {
  let suffix = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) suffix += ALPHABET[randomIndex(ALPHABET.length)] ?? 'b';
  return `${prefix.slice(0, GENERATED_PREFIX_LENGTH_MAX)}${suffix}`;
}
