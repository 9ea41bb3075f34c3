import { findPlant, PLANTS } from '../sim/plants/plant-registry.js';
import { runSeeds } from '../sim/run-seeds.js';
import { parseSimArgs, SimArgsError, SIM_USAGE } from '../sim/sim-args.js';
import { formatSummary, formatViolation, summaryJson } from '../sim/sim-report.js';

export interface CommandOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const STDIO: CommandOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * `raftplane sim`: runs seeds through the deterministic simulator. The last
 * line of stdout is always one JSON summary; the exit code is 0 only when no
 * invariant was violated (2 for bad arguments).
 */
export async function runSimCommand(argv: string[], io: CommandOutput = STDIO): Promise<number> {
  let args;
  try {
    args = parseSimArgs(argv);
  } catch (error) {
    if (!(error instanceof SimArgsError)) throw error;
    io.err(error.message);
    io.err(SIM_USAGE);
    return 2;
  }
  if (args.kind === 'list-plants') {
    for (const plant of PLANTS) io.out(plant.name);
    return 0;
  }
  const summary = runSeeds({
    firstSeed: args.firstSeed,
    seedCount: args.seedCount,
    peers: args.peers ?? (args.plant !== undefined ? findPlant(args.plant)?.peers : undefined) ?? 3,
    faults: args.faults,
    ...(args.plant !== undefined ? { plant: args.plant } : {}),
    stopOnViolation: args.plant !== undefined,
  });
  if (summary.firstFailure !== undefined) io.out(formatViolation(summary.firstFailure, args.plant));
  if (!args.json) io.out(formatSummary(summary));
  io.out(summaryJson(summary));
  return summary.violations === 0 ? 0 : 1;
}
