/**
 * A numeric setting from the environment, or its default when unset. A value that is not
 * a number, or is out of range, stops the run with a message naming the variable, instead
 * of running with NaN (a bench phase of NaN seconds measures nothing and says so nowhere).
 */
export function envNumber(name: string, fallback: number, options: { min?: number; integer?: boolean } = {}): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  const min = options.min ?? 0;
  if (!Number.isFinite(value) || value < min || (options.integer === true && !Number.isInteger(value))) {
    const kind = options.integer === true ? 'an integer' : 'a number';
    console.error(`${name} must be ${kind} of at least ${min}, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}
