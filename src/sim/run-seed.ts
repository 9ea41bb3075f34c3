import { assert } from '../util/assert.js';
import { worldConfig, type SimOptions } from './sim-options.js';
import { SimWorld } from './sim-world.js';
import type { Violation } from './violation.js';

export interface SeedResult {
  readonly seed: number;
  readonly peers: number;
  readonly ticks: number;
  readonly digest: string;
  readonly violation: Violation | undefined;
  /** The last events before the violation; empty when there is none. */
  readonly trace: readonly string[];
  /** Ticks from the heal to the first post-heal commit; undefined if never shown. */
  readonly livenessTicks: number | undefined;
  readonly acked: number;
  readonly reads: number;
}

/** Runs one seed to the end: a violation, or liveness shown and settled, or the tick limit. */
export function runSeed(options: SimOptions): SeedResult {
  const config = worldConfig(options);
  const world = new SimWorld(config);
  const tickLimit = config.profile.faultPhaseTicks + config.livenessBoundTicks + config.settleTicks + 2;
  while (!world.finished && world.clock.tick < tickLimit) world.step();
  world.finish();
  const violation = world.violations.first;
  assert(violation !== undefined || world.livenessTicks !== undefined, 'a run without a violation has shown liveness');
  return {
    seed: options.seed,
    peers: options.peers,
    ticks: world.clock.tick,
    digest: world.digest.hex(),
    violation,
    trace: violation === undefined ? [] : world.trace.lines(),
    livenessTicks: world.livenessTicks,
    acked: world.checkers.linearizableReads.completed,
    reads: world.checkers.linearizableReads.completed,
  };
}
