import { assert } from './assert.js';
import type { Rng } from './rng.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** Fraction of each delay that is randomised, in [0, 1]. */
  jitter: number;
}

/** Exponential backoff with jitter, so that reconnecting peers do not stampede. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly rng: Rng,
  ) {
    assert(options.initialMs > 0 && options.maxMs >= options.initialMs, 'bad backoff bounds');
    assert(options.jitter >= 0 && options.jitter <= 1, 'jitter must be in [0, 1]');
  }

  nextDelayMs(): number {
    const base = Math.min(this.options.maxMs, this.options.initialMs * this.options.multiplier ** this.attempt);
    this.attempt++;
    const spread = base * this.options.jitter;
    return Math.max(1, Math.round(base - spread + this.rng.next() * 2 * spread));
  }

  reset(): void {
    this.attempt = 0;
  }
}
