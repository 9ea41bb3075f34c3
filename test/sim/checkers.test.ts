import t from 'tap';
import { SimClock } from '../../src/sim/sim-clock.js';
import { ViolationList } from '../../src/sim/violation.js';
import { ElectionSafetyChecker } from '../../src/sim/checkers/election-safety.js';
import { LogMatchingChecker } from '../../src/sim/checkers/log-matching.js';
import { LeaderCompletenessChecker } from '../../src/sim/checkers/leader-completeness.js';
import { StateMachineSafetyChecker } from '../../src/sim/checkers/state-machine-safety.js';
import { AckedWritesChecker } from '../../src/sim/checkers/acked-writes.js';
import { LinearizableReadsChecker } from '../../src/sim/checkers/linearizable-reads.js';
import { LivenessChecker } from '../../src/sim/checkers/liveness.js';
import { ArrayLogView, type ViewEntry } from '../../src/sim/checkers/log-view.js';

// Hand-crafted histories, no raft involved: each checker must stay quiet on a
// good history and fire on a bad one.

function setup(): { clock: SimClock; sink: ViolationList } {
  return { clock: new SimClock(), sink: new ViolationList() };
}

function log(...terms: [number, string][]): ViewEntry[] {
  return terms.map(([term, fingerprint]) => ({ term, fingerprint }));
}

t.test('election safety (§5.2): one leader per term', async (t) => {
  const { clock, sink } = setup();
  const checker = new ElectionSafetyChecker(clock, sink);
  checker.observeLeader('p1', 1);
  checker.observeLeader('p1', 1);
  checker.observeLeader('p2', 2);
  t.equal(sink.violations.length, 0);
  clock.advance();
  checker.observeLeader('p3', 2);
  t.equal(sink.first?.invariant, 'election-safety');
  t.equal(sink.first?.tick, 1);
  t.match(sink.first?.message, /term 2: p2 and p3/);
});

t.test('log matching (§5.3), incremental: same index and term must mean the same entry and predecessor', async (t) => {
  const { clock, sink } = setup();
  const checker = new LogMatchingChecker(clock, sink);
  checker.observeAppend('p1', { index: 1, term: 1, fingerprint: 'a=1', prevTerm: 0 });
  checker.observeAppend('p2', { index: 1, term: 1, fingerprint: 'a=1', prevTerm: 0 });
  checker.observeAppend('p2', { index: 2, term: 2, fingerprint: 'a=2', prevTerm: 1 });
  t.equal(sink.violations.length, 0);
  checker.observeAppend('p3', { index: 2, term: 2, fingerprint: 'a=2', prevTerm: 0 });
  t.equal(sink.violations.length, 1, 'a different predecessor term is a violation');
  checker.observeAppend('p3', { index: 1, term: 1, fingerprint: 'a=X', prevTerm: 0 });
  t.equal(sink.violations.length, 2, 'a different payload is a violation');
  t.equal(sink.first?.invariant, 'log-matching');
});

t.test('log matching (§5.3), full scan over logs', async (t) => {
  const { clock, sink } = setup();
  const checker = new LogMatchingChecker(clock, sink);
  const good = new Map([
    ['p1', new ArrayLogView(log([1, 'a'], [1, 'b'], [2, 'c']))],
    ['p2', new ArrayLogView(log([1, 'a'], [1, 'b'], [3, 'x'], [3, 'y']))],
    ['p3', new ArrayLogView(log([2, 'c']), { index: 2, term: 1 })],
  ]);
  checker.scan(good);
  t.equal(sink.violations.length, 0, 'divergent suffixes after the last match are fine');
  const bad = new Map([
    ['p1', new ArrayLogView(log([1, 'a'], [1, 'b'], [2, 'c']))],
    ['p2', new ArrayLogView(log([1, 'a'], [1, 'B'], [2, 'c']))],
  ]);
  checker.scan(bad);
  t.equal(sink.first?.invariant, 'log-matching');
  t.match(sink.first?.message, /agree on index 3 term 2 but differ at index 2/);
});

t.test('leader completeness (§5.4): later leaders hold every committed entry', async (t) => {
  const { clock, sink } = setup();
  const checker = new LeaderCompletenessChecker(clock, sink);
  checker.observeCommitted(1, 1, 1);
  checker.observeCommitted(2, 1, 2);
  checker.observeLeaderLog('p2', 3, new ArrayLogView(log([1, 'a'], [1, 'b'], [3, ''])));
  checker.observeLeaderLog('p1', 2, new ArrayLogView(log([1, 'a'])));
  t.equal(sink.violations.length, 0, 'an entry committed by term 2 need not be on the leader of term 2');
  checker.observeLeaderLog('p3', 3, new ArrayLogView(log([1, 'a'], [2, 'z'])));
  t.equal(sink.first?.invariant, 'leader-completeness');
  t.match(sink.first?.message, /p3 of term 3 lacks committed entry 2/);
});

t.test('leader completeness: compacted entries count as present', async (t) => {
  const { clock, sink } = setup();
  const checker = new LeaderCompletenessChecker(clock, sink);
  checker.observeCommitted(1, 1, 1);
  checker.observeCommitted(2, 1, 1);
  checker.observeLeaderLog('p1', 2, new ArrayLogView(log([2, '']), { index: 2, term: 1 }));
  t.equal(sink.violations.length, 0);
});

t.test('state machine safety (§5.4.3): one entry per index, one history per prefix', async (t) => {
  const { clock, sink } = setup();
  const checker = new StateMachineSafetyChecker(clock, sink);
  checker.observeApply('p1', { index: 1, term: 1, fingerprint: 'a=1' }, 11);
  checker.observeApply('p2', { index: 1, term: 1, fingerprint: 'a=1' }, 11);
  checker.observeRestore('p3', 1, 11);
  t.equal(sink.violations.length, 0);
  checker.observeRestore('p4', 1, 99);
  t.equal(sink.violations.length, 1, 'a snapshot with another history is caught');
  checker.observeApply('p3', { index: 2, term: 2, fingerprint: 'a=2' }, 12);
  checker.observeApply('p1', { index: 2, term: 3, fingerprint: 'a=3' }, 13);
  t.equal(sink.violations.length, 2);
  t.equal(sink.violations[1]?.invariant, 'state-machine-safety');
  t.match(sink.violations[1]?.message, /p1 applied "a=3"/);
});

t.test('acknowledged writes are never lost', async (t) => {
  const { clock, sink } = setup();
  const checker = new AckedWritesChecker(clock, sink);
  checker.observeAck('p1', { index: 5, term: 2, fingerprint: 'k=v1' });
  checker.observeApply('p2', { index: 5, term: 2, fingerprint: 'k=v1' });
  checker.observeApply('p2', { index: 6, term: 2, fingerprint: 'k=v2' });
  t.equal(sink.violations.length, 0);
  t.equal(checker.highestAckedIndex, 5);
  checker.observeApply('p3', { index: 5, term: 3, fingerprint: 'k=other' });
  t.equal(sink.first?.invariant, 'acked-write-durability');
});

t.test('linearizable reads see every write acknowledged before they began', async (t) => {
  const { clock, sink } = setup();
  const checker = new LinearizableReadsChecker(clock, sink);
  checker.observeCanonicalWrite(3, 'k', 'v1');
  checker.observeAck(3);
  checker.observeCanonicalWrite(7, 'k', 'v2');
  checker.beginRead('r1', 'k');
  checker.completeRead('r1', 'p1', 4, 'v1');
  t.equal(sink.violations.length, 0, 'v2 was not acknowledged when r1 began');
  checker.observeAck(7);
  checker.beginRead('r2', 'k');
  checker.completeRead('r2', 'p2', 7, 'v2');
  t.equal(sink.violations.length, 0);
  checker.beginRead('r3', 'k');
  checker.completeRead('r3', 'p3', 5, 'v1');
  t.equal(sink.first?.invariant, 'linearizable-read', 'a stale read is caught');
  checker.beginRead('r4', 'k');
  checker.completeRead('r4', 'p3', 8, 'v1');
  t.equal(sink.violations.length, 2, 'a value that does not match the served index is caught');
  checker.beginRead('r5', 'k');
  checker.abandonRead('r5');
  checker.completeRead('r5', 'p3', 1, undefined);
  t.equal(sink.violations.length, 2, 'an abandoned read is not checked');
});

t.test('liveness: a post-heal proposal commits within the bound', async (t) => {
  const { clock, sink } = setup();
  const checker = new LivenessChecker(clock, sink, 10);
  checker.observeAck(0);
  clock.advance();
  checker.startWindow();
  for (let i = 0; i < 5; i++) {
    clock.advance();
    checker.onTick();
  }
  checker.observeLeader();
  checker.observeAck(0);
  t.notOk(checker.satisfied, 'a proposal from before the heal does not count');
  checker.observeAck(2);
  t.ok(checker.satisfied);
  t.equal(checker.ticksToCommit, 5);

  const late = setup();
  const stuck = new LivenessChecker(late.clock, late.sink, 10);
  stuck.startWindow();
  for (let i = 0; i < 12; i++) {
    late.clock.advance();
    stuck.onTick();
  }
  t.equal(late.sink.violations.length, 1);
  t.equal(late.sink.first?.invariant, 'liveness');
});
