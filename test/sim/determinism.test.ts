import t from 'tap';
import { runSeed } from '../../src/sim/run-seed.js';
import { runSeeds } from '../../src/sim/run-seeds.js';

t.test('the same seed gives the same run, digest for digest', async (t) => {
  for (const peers of [3, 5, 7]) {
    const a = runSeed({ seed: 42, peers, faults: 'all' });
    const b = runSeed({ seed: 42, peers, faults: 'all' });
    t.equal(a.digest, b.digest, `${peers} peers`);
    t.equal(a.ticks, b.ticks);
    t.match(a.digest, /^[0-9a-f]{64}$/);
  }
});

t.test('different seeds give different runs', async (t) => {
  const digests = new Set<string>();
  for (let seed = 1; seed <= 20; seed++) digests.add(runSeed({ seed, peers: 3, faults: 'all' }).digest);
  t.equal(digests.size, 20);
});

t.test('a fault-free run elects a leader, commits, and violates nothing', async (t) => {
  for (const peers of [3, 5, 7]) {
    const result = runSeed({ seed: 1, peers, faults: 'none' });
    t.equal(result.violation, undefined, `${peers} peers`);
    t.ok(result.livenessTicks !== undefined);
  }
});

t.test('a multi-seed summary is reproducible', async (t) => {
  const range = { firstSeed: 1, seedCount: 10, peers: 5, faults: 'all' as const, stopOnViolation: false };
  const a = runSeeds(range);
  const b = runSeeds(range);
  t.equal(a.digest, b.digest);
  t.equal(a.ticks, b.ticks);
  t.equal(a.violations, 0);
});
