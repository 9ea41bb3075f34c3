import { DEFAULT_RULES } from '../raft/rules.js';
import { assert, assertionFailed } from '../util/assert.js';
import { ALL_FAULTS, NO_FAULTS, withProfile, type FaultProfile } from './fault-profile.js';
import { findPlant, type Plant, type PlantName } from './plants/plant-registry.js';
import type { ClientOptions } from './sim-clients.js';

export type FaultMode = 'all' | 'none';

/** What one seed's run is made of. Everything else follows from the seed. */
export interface SimOptions {
  readonly seed: number;
  readonly peers: number;
  readonly faults: FaultMode;
  readonly plant?: PlantName;
}

export interface WorldConfig {
  readonly seed: number;
  readonly peers: number;
  readonly plant: Plant | undefined;
  readonly profile: FaultProfile;
  readonly electionTicks: number;
  /** After the heal a proposal must commit within this many ticks. */
  readonly livenessBoundTicks: number;
  /** Ticks run after liveness is shown, so late reads and catch-up are still checked. */
  readonly settleTicks: number;
  readonly snapshotEveryEntries: number;
  readonly snapshotKeepEntries: number;
  readonly logScanEveryTicks: number;
  readonly traceEvents: number;
  readonly clients: ClientOptions;
}

export const PEER_COUNTS: readonly number[] = [3, 5, 7];

export function worldConfig(options: SimOptions): WorldConfig {
  assert(Number.isInteger(options.seed), 'seed must be an integer');
  if (!PEER_COUNTS.includes(options.peers)) assertionFailed(`peers must be one of ${PEER_COUNTS.join(', ')}`);
  const plant = options.plant === undefined ? undefined : findPlant(options.plant);
  if (!(options.plant === undefined || plant !== undefined)) assertionFailed(`unknown plant ${String(options.plant)}`);
  const base = options.faults === 'none' ? NO_FAULTS : ALL_FAULTS;
  const profile = plant === undefined || options.faults === 'none' ? base : withProfile(base, plant.bias);
  return {
    seed: options.seed,
    peers: options.peers,
    plant,
    profile,
    electionTicks: 10,
    livenessBoundTicks: 200,
    settleTicks: 30,
    snapshotEveryEntries: 40,
    snapshotKeepEntries: 8,
    logScanEveryTicks: 50,
    traceEvents: 50,
    clients: { clientCount: 5, opChance: 0.5, readFraction: profile.readFraction, keys: ['a', 'b', 'c'], timeoutTicks: 40, backoffTicks: 5 },
  };
}

export function rulesOf(config: WorldConfig): typeof DEFAULT_RULES {
  return config.plant?.rules ?? DEFAULT_RULES;
}
