import { createHash } from 'node:crypto';
import { runSeed, type SeedResult } from './run-seed.js';
import type { FaultMode } from './sim-options.js';
import type { PlantName } from './plants/plant-registry.js';

export interface SeedRange {
  readonly firstSeed: number;
  readonly seedCount: number;
  readonly peers: number;
  readonly faults: FaultMode;
  readonly plant?: PlantName;
  /** Stop at the first failing seed (plant hunting); otherwise run them all. */
  readonly stopOnViolation: boolean;
}

export interface RunSummary {
  readonly seeds: number;
  readonly peers: number;
  readonly faults: FaultMode;
  readonly plant: PlantName | undefined;
  readonly violations: number;
  readonly ticks: number;
  /** sha256 over the per-seed digests in seed order. */
  readonly digest: string;
  readonly seedsPerSecond: number;
  readonly maxLivenessTicks: number;
  readonly firstFailure: SeedResult | undefined;
  readonly elapsedMs: number;
}

/** Runs consecutive seeds and folds their results; `now` is injected so the fold itself stays pure. */
export function runSeeds(range: SeedRange, now: () => number = () => performance.now()): RunSummary {
  const started = now();
  const digest = createHash('sha256');
  let violations = 0;
  let ticks = 0;
  let maxLivenessTicks = 0;
  let firstFailure: SeedResult | undefined;
  let seeds = 0;
  for (let seed = range.firstSeed; seed < range.firstSeed + range.seedCount; seed++) {
    const result = runSeed({
      seed,
      peers: range.peers,
      faults: range.faults,
      ...(range.plant !== undefined ? { plant: range.plant } : {}),
    });
    seeds++;
    digest.update(`${seed}:${result.digest}\n`);
    ticks += result.ticks;
    maxLivenessTicks = Math.max(maxLivenessTicks, result.livenessTicks ?? 0);
    if (result.violation !== undefined) {
      violations++;
      firstFailure ??= result;
      if (range.stopOnViolation) break;
    }
  }
  const elapsedMs = Math.max(now() - started, 1e-3);
  return {
    seeds,
    peers: range.peers,
    faults: range.faults,
    plant: range.plant,
    violations,
    ticks,
    digest: digest.digest('hex'),
    seedsPerSecond: Math.round((seeds / elapsedMs) * 1000 * 10) / 10,
    maxLivenessTicks,
    firstFailure,
    elapsedMs,
  };
}
