import { worldConfig } from './sim-options.js';
import { SimWorld, type WorldEventKind } from './sim-world.js';

export interface DemoOptions {
  readonly seed: number;
  readonly peers: number;
  readonly ticksPerSecond: number;
  readonly durationSeconds: number;
  readonly write: (line: string) => void;
  readonly signal?: AbortSignal;
}

const LABELS: Readonly<Record<WorldEventKind, string>> = {
  role: 'ELECT ',
  fault: 'FAULT ',
  membership: 'MEMBER',
  commit: 'COMMIT',
  heal: 'HEAL  ',
  liveness: 'OK    ',
};

/**
 * A cluster under faults at a readable pace: the same world as `sim`, with its
 * fault phase stretched over most of the run and each event printed as it happens.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const totalTicks = options.ticksPerSecond * options.durationSeconds;
  const base = worldConfig({ seed: options.seed, peers: options.peers, faults: 'all' });
  const world = new SimWorld({
    ...base,
    profile: { ...base.profile, faultPhaseTicks: Math.max(60, totalTicks - 80) },
  });
  let commits = 0;
  world.setListener((tick, kind, line) => {
    if (kind === 'commit') {
      commits++;
      if (commits % 10 !== 1) return; // one line in ten keeps the stream readable
    }
    options.write(`[t=${String(tick).padStart(4)}] ${LABELS[kind]} ${line}`);
  });
  options.write(`raftplane sim-demo: ${options.peers} peers, seed ${options.seed}, ${options.ticksPerSecond} ticks/s (Ctrl-C to stop)`);
  const intervalMs = 1000 / options.ticksPerSecond;
  while (!world.finished && world.clock.tick < totalTicks && options.signal?.aborted !== true) {
    world.step();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  world.finish();
  const violation = world.violations.first;
  if (violation !== undefined) {
    options.write(`VIOLATION of ${violation.invariant} at tick ${violation.tick}: ${violation.message}`);
    return 1;
  }
  options.write(`done after ${world.clock.tick} ticks: ${commits} writes acknowledged, no invariant violated`);
  return 0;
}
