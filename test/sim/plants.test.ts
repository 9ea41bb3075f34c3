import t from 'tap';
import { PLANTS } from '../../src/sim/plants/plant-registry.js';
import { runSeeds } from '../../src/sim/run-seeds.js';

// Every planted bug must be caught by the checkers within its bound.
for (const plant of PLANTS) {
  t.test(`plant ${plant.name} is caught within ${plant.catchBoundSeeds} seeds`, async (t) => {
    const summary = runSeeds({
      firstSeed: 1,
      seedCount: plant.catchBoundSeeds,
      peers: plant.peers,
      faults: 'all',
      plant: plant.name,
      stopOnViolation: true,
    });
    const failure = summary.firstFailure;
    t.ok(failure !== undefined, `violation found (${summary.seeds} seeds run)`);
    if (failure?.violation === undefined) return;
    t.comment(`${plant.name}: seed ${failure.seed}, ${failure.violation.invariant}: ${failure.violation.message}`);
    t.ok(failure.trace.length > 0, 'the report carries a trace');
  });
}
