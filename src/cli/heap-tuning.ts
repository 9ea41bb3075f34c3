import v8 from 'node:v8';
import { CliError } from './cli-error.js';

/** The environment variable that overrides HEAP_GROWING_PERCENT_DEFAULT (0: V8 decides). */
export const HEAP_GROWING_ENV = 'RAFTPLANE_HEAP_GROWING_PERCENT';

/**
 * How far V8 lets the old generation grow past what survived the last full GC before it
 * starts the next one: 300 means to 4 times the live heap. Left to itself, V8 sizes
 * this from how fast its full GCs are, and a peer's are fast (its heap is 30-60 MB, most
 * of it the MVCC history): it chose about 1.3 times and ran a full GC every 1.5 s per
 * peer under 16 writing clients. Each one stops the loop for 5-12 ms (plus incremental
 * steps of up to 13 ms), and the clients' requests queue behind it: half of the slowest
 * 1 % of puts overlapped one. At 300, full GCs are 3-4 times rarer, for a heap that
 * peaks at 4 times the live size. The role is that of Go's GOGC in etcd (100 there).
 */
export const HEAP_GROWING_PERCENT_DEFAULT = 300;

/** The growing percent from the environment, checked: a whole number from 0 to 1000. */
export function heapGrowingPercent(env: NodeJS.ProcessEnv): number {
  const raw = env[HEAP_GROWING_ENV];
  if (raw === undefined || raw === '') return HEAP_GROWING_PERCENT_DEFAULT;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value > 1000) {
    throw new CliError('CLI_USAGE', `${HEAP_GROWING_ENV} must be a whole number of percent from 0 to 1000 (0: V8's own sizing), not "${raw}"`);
  }
  return value;
}

/**
 * Applies the growing percent to this process's V8. Called before a peer starts, while
 * its heap is still small; V8 reads the flag each time it sizes the heap after a full GC.
 */
export function tuneHeapForPeer(env: NodeJS.ProcessEnv, setFlags: (flags: string) => void = v8.setFlagsFromString): number {
  const percent = heapGrowingPercent(env);
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
  return percent;
}
