import t from 'tap';
import { runSeeds } from '../../src/sim/run-seeds.js';
import { formatViolation } from '../../src/sim/sim-report.js';

// The main event: a thousand seeds of every fault for 3 and for 5 peers.
for (const peers of [3, 5]) {
  t.test(`1000 seeds with all faults, ${peers} peers: no invariant violated`, async (t) => {
    const summary = runSeeds({ firstSeed: 1, seedCount: 1000, peers, faults: 'all', stopOnViolation: true });
    const failure = summary.firstFailure;
    t.equal(summary.violations, 0, failure === undefined ? 'clean' : formatViolation(failure, undefined));
    t.comment(
      `${peers} peers: ${summary.seeds} seeds, ${summary.ticks} ticks in ${Math.round(summary.elapsedMs)} ms ` +
        `(${summary.seedsPerSecond} seeds/s), max liveness ${summary.maxLivenessTicks} ticks`,
    );
  });
}
