import type { SeedResult } from './run-seed.js';
import type { RunSummary } from './run-seeds.js';

/** The exact command that replays one seed. */
export function replayCommand(seed: number, peers: number, plant: string | undefined): string {
  const plantFlag = plant === undefined ? '' : ` --plant ${plant}`;
  return `npx raftplane sim --seed ${seed} --peers ${peers}${plantFlag} --json`;
}

/** A readable violation report: invariant, seed, tick, the replay command, the last events. */
export function formatViolation(result: SeedResult, plant: string | undefined): string {
  const v = result.violation;
  if (v === undefined) return '';
  return [
    `VIOLATION of ${v.invariant}`,
    `  seed ${result.seed}, ${result.peers} peers${plant === undefined ? '' : `, plant ${plant}`}, tick ${v.tick}`,
    `  ${v.message}`,
    `  replay: ${replayCommand(result.seed, result.peers, plant)}`,
    `  last ${result.trace.length} events:`,
    ...result.trace.map((line) => `    ${line}`),
  ].join('\n');
}

/** The machine-readable last line of `raftplane sim`. */
export function summaryJson(summary: RunSummary): string {
  const failure = summary.firstFailure;
  const record: Record<string, unknown> = {
    seeds: summary.seeds,
    peers: summary.peers,
    faults: summary.faults,
    ...(summary.plant !== undefined ? { plant: summary.plant } : {}),
    violations: summary.violations,
    ticks: summary.ticks,
    digest: summary.digest,
    seedsPerSecond: summary.seedsPerSecond,
    maxLivenessTicks: summary.maxLivenessTicks,
  };
  if (failure?.violation !== undefined) {
    record['firstFailingSeed'] = failure.seed;
    record['invariant'] = failure.violation.invariant;
    record['tick'] = failure.violation.tick;
    record['message'] = failure.violation.message;
    record['replay'] = replayCommand(failure.seed, failure.peers, summary.plant);
  }
  return JSON.stringify(record);
}

export function formatSummary(summary: RunSummary): string {
  const plant = summary.plant === undefined ? '' : ` with plant ${summary.plant}`;
  return (
    `${summary.seeds} seeds × ${summary.peers} peers${plant} (faults: ${summary.faults}): ` +
    `${summary.violations} violation(s), ${summary.ticks} ticks, ${summary.seedsPerSecond} seeds/s, ` +
    `max liveness ${summary.maxLivenessTicks} ticks, digest ${summary.digest.slice(0, 16)}…`
  );
}
