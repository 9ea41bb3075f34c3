/**
 * resource.Quantity, far enough for scheduling and validation: parse `100m`, `1.5`, `2Gi`,
 * `1e3`, `500M` and compare. Values are kept as exact milli-units (bigint), so `0.1` CPU and
 * `100m` compare equal and bytes never lose precision.
 */
import { ApiModelError } from './errors.js';

const QUANTITY = /^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

export const QUANTITY_FORMAT_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const BINARY: Readonly<Record<string, bigint>> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export interface Quantity {
  /** The text as given (kube re-canonicalizes; raftplane stores what the client sent). */
  readonly text: string;
  /** The value in thousandths of the unit, rounded up as Quantity.MilliValue does. */
  readonly milli: bigint;
}

const pow10 = (exponent: number): bigint => 10n ** BigInt(exponent);

/** Exact (digits × 10^exponent × 1000), rounded up to a whole milli-unit. */
function toMilli(digits: bigint, scale: number, multiplier: bigint): bigint {
  const exponent = scale + 3;
  if (exponent >= 0) return digits * multiplier * pow10(exponent);
  const divisor = pow10(-exponent);
  const product = digits * multiplier;
  const quotient = product / divisor;
  return product % divisor === 0n || product < 0n ? quotient : quotient + 1n;
}

/** resource.ParseQuantity. Throws ApiModelError('API_SCHEMA_TYPE_INVALID') with kube's message. */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? String(input) : input.trim();
  const match = QUANTITY.exec(text);
  if (match === null) throw new ApiModelError('API_SCHEMA_TYPE_INVALID', QUANTITY_FORMAT_MESSAGE, { quantity: text });
  const [, number = '0', suffix = ''] = match;
  const [whole = '', fraction = ''] = number.replace(/^[+-]/, '').split('.');
  const sign = number.startsWith('-') ? -1n : 1n;
  const digits = sign * BigInt(`${whole}${fraction}` || '0');
  let scale = -fraction.length;
  let multiplier = 1n;
  if (suffix in BINARY) multiplier = BINARY[suffix] ?? 1n;
  else if (/^[eE]/.test(suffix)) scale += Number.parseInt(suffix.slice(1), 10);
  else scale += DECIMAL_EXPONENT[suffix] ?? 0;
  if (Math.abs(scale) > 64) throw new ApiModelError('API_SCHEMA_TYPE_INVALID', QUANTITY_FORMAT_MESSAGE, { quantity: text });
  return { text, milli: toMilli(digits, scale, multiplier) };
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.milli < b.milli ? -1 : a.milli > b.milli ? 1 : 0;
}

/** Whole units, rounded up (Quantity.Value): bytes of memory, count of pods. */
export function quantityValue(quantity: Quantity): bigint {
  const whole = quantity.milli / 1000n;
  return quantity.milli % 1000n > 0n ? whole + 1n : whole;
}
