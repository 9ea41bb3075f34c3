import t from 'tap';
import { appliedTexts, Network } from './network.js';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { RawNode } from '../../src/raft/raw-node.js';
import { SeededRng } from '../../src/util/rng.js';
import { Raft } from '../../src/raft/raft.js';
import { resolveRaftConfig } from '../../src/raft/config.js';
import { DEFAULT_RULES, SIM_RULES, type SafetyRules } from '../../src/raft/rules.js';

t.test('§5.3 log replication: a proposal commits and applies in order on every node', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  t.equal(net.elect('a'), 'leader');
  for (const v of ['x', 'y', 'z']) net.propose('a', v);
  net.tickAll(2);
  for (const n of net.sortedNodes()) t.same(appliedTexts(n), ['x', 'y', 'z'], `${n.id} applied in order`);
});

t.test('§5.3 a follower forwards proposals to the leader', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('b', 'via-b');
  net.tickAll(2);
  t.same(appliedTexts(net.get('c')), ['via-b']);
});

t.test('§5.3 a minority cannot commit', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  const commit = net.get('a').node.status().commit;
  net.filter = (m) => m.from === 'a' && m.to === 'a';
  net.propose('a', 'lost');
  t.equal(net.get('a').node.status().commit, commit, 'no commit without a majority');
});

t.test('§5.3 fast backtracking repairs a long conflicting follower log in few round trips', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  // a appends many entries that only it holds (the others cannot hear it)
  net.filter = () => false;
  for (let i = 0; i < 50; i++) net.get('a').node.propose(new TextEncoder().encode(`orphan-${i}`));
  net.settle();
  // b and c elect a leader among themselves and commit their own entries
  net.isolate('a');
  net.tickAll(40);
  const leader = net.leaders().find((id) => id !== 'a');
  t.ok(leader !== undefined, 'b or c leads');
  for (let i = 0; i < 5; i++) net.propose(leader ?? 'b', `kept-${i}`);
  net.heal();
  net.sent = [];
  net.tickAll(3);
  const rejects = net.sent.filter((m) => m.type === 'append-resp' && m.reject && m.from === 'a');
  t.ok(rejects.length <= 3, `a needed ${rejects.length} rejections, not one per entry`);
  t.same(appliedTexts(net.get('a')), ['kept-0', 'kept-1', 'kept-2', 'kept-3', 'kept-4'], 'the orphans were replaced');
});

t.test('§5.4.2 commit rule: an old-term entry is not committed by counting replicas', async (t) => {
  const run = (rules: SafetyRules) => {
    const storage = MemoryStorage.bootstrap({ voters: ['a', 'b', 'c'], learners: [], votersOutgoing: [], learnersNext: [] });
    storage.append([{ index: 2, term: 1, type: 'normal', data: new Uint8Array([1]) }]);
    storage.setHardState({ term: 1, vote: '', commit: 1 });
    const r = new Raft(resolveRaftConfig({ id: 'a', storage, rng: new SeededRng(1), [SIM_RULES]: rules }));
    r.becomeCandidate();
    r.becomeLeader(); // term 2, no-op at index 3
    r.persistedTo(3, 2); // on the leader's disk
    r.tracker.get('b').match = 2; // a majority (a, b) holds the term-1 entry
    r.maybeCommit();
    const afterOld = r.log.committed;
    r.tracker.get('b').match = 3;
    r.maybeCommit();
    return { afterOld, afterNew: r.log.committed };
  };
  t.same(run(DEFAULT_RULES), { afterOld: 1, afterNew: 3 }, 'old entry commits only with the current-term entry');
  t.same(run({ ...DEFAULT_RULES, commitOnlyCurrentTerm: false }).afterOld, 2, 'without the rule it would commit (the Figure 8 bug)');
});

t.test('flow control: at most maxInflightMsgs appends are in flight to a follower', async (t) => {
  const net = new Network(['a', 'b', 'c'], { maxInflightMsgs: 3, maxMsgBytes: 1 });
  net.elect('a');
  net.propose('a', 'warm');
  net.filter = () => false;
  net.sent = [];
  for (let i = 0; i < 20; i++) net.get('a').node.propose(new TextEncoder().encode(`p${i}`));
  net.processReady(net.get('a'));
  const toB = net.sent.filter((m) => m.type === 'append' && m.to === 'b' && m.entries.length > 0);
  t.equal(toB.length, 3, 'pipeline stops at the inflight limit');
});

t.test('proposals stepped between two Readys go out as one append per follower', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('a', 'warm');
  net.sent = [];
  for (let i = 0; i < 20; i++) net.get('a').node.propose(new TextEncoder().encode(`p${i}`));
  net.processReady(net.get('a'));
  const appends = net.sent.filter((m) => m.type === 'append');
  t.same(appends.map((m) => [m.to, m.entries.length]), [['b', 20], ['c', 20]], 'one append per follower, carrying all 20 entries');
  net.settle();
  for (const n of net.sortedNodes()) t.equal(appliedTexts(n).length, 21, `${n.id} applied every proposal`);
});

t.test('acknowledgements that move the commit index share one commit notice per follower', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('a', 'warm');
  const a = net.get('a');
  // Three separate rounds of appends reach the followers, whose answers then arrive together.
  const held: import('../../src/raft/types.js').Message[] = [];
  net.filter = (m) => {
    if (m.type === 'append-resp') held.push(m);
    return m.type !== 'append-resp';
  };
  for (let i = 0; i < 3; i++) net.propose('a', `r${i}`);
  t.equal(held.length, 6, 'each follower acknowledged each round');
  net.filter = () => true;
  net.sent = [];
  for (const m of held) a.node.step(m);
  net.processReady(a);
  const notices = net.sent.filter((m) => m.type === 'append' && m.from === 'a');
  t.same(notices.map((m) => [m.to, m.entries.length, m.commit]), [['b', 0, a.node.status().commit], ['c', 0, a.node.status().commit]], 'one empty append per follower with the final commit index');
  net.settle();
  for (const n of net.sortedNodes()) t.same(appliedTexts(n), ['warm', 'r0', 'r1', 'r2'], `${n.id} applied in order`);
});

t.test('limits: uncommitted bytes and entry size are refused with coded errors', async (t) => {
  const net = new Network(['a', 'b', 'c'], { maxUncommittedEntriesBytes: 100, maxEntryBytes: 64 });
  net.elect('a');
  const a = net.get('a').node;
  t.throws(() => a.propose(new Uint8Array(65)), { code: 'RAFT_ENTRY_TOO_LARGE' });
  net.filter = () => false;
  a.propose(new Uint8Array(60));
  a.propose(new Uint8Array(30));
  t.throws(() => a.propose(new Uint8Array(30)), { code: 'RAFT_UNCOMMITTED_LIMIT' });
  net.heal();
  net.tickAll(2);
  t.doesNotThrow(() => a.propose(new Uint8Array(30)), 'accepted again once the tail committed');
});

t.test('durable state: a restarted node resumes from what it persisted', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('a', 'x');
  net.tickAll(2);
  const old = net.get('b');
  const before = old.node.status();
  // Restart b from its storage (what it persisted), applied at the commit it had applied.
  const restarted = new RawNode({ id: 'b', storage: old.storage, rng: new SeededRng(99), applied: before.applied });
  const st = restarted.status();
  t.equal(st.term, before.term);
  t.equal(st.vote, before.vote);
  t.equal(st.commit, before.commit);
  t.equal(st.lastIndex, before.lastIndex);
  t.equal(restarted.hasReady(), false, 'nothing to re-apply');
});

t.test('§7 snapshots: a follower behind a compacted log is caught up by a snapshot', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.isolate('c');
  for (let i = 0; i < 10; i++) net.propose('a', `v${i}`);
  const a = net.get('a');
  const applied = a.node.status().applied;
  a.storage.createSnapshot(applied, a.confState, new TextEncoder().encode('state-at-' + applied));
  a.storage.compact(applied);
  net.heal();
  net.sent = [];
  net.tickAll(5);
  const snaps = net.sent.filter((m) => m.type === 'snapshot' && m.to === 'c');
  t.equal(snaps.length, 1, 'one snapshot sent');
  t.equal(net.get('c').storage.snapshot().meta.index, applied);
  net.propose('a', 'after');
  net.tickAll(2);
  t.same(appliedTexts(net.get('c')), ['after'], 'replication resumes after the snapshot');
  t.equal(net.get('c').node.status().commit, a.node.status().commit);
});

t.test('a node joining with an empty log is sent a snapshot carrying the membership', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('a', 'x');
  const d = net.add('d', new MemoryStorage(), 42);
  t.equal(d.node.status().confState.voters.length, 0);
  net.get('a').node.proposeConfChange({ changes: [{ type: 'add-learner', nodeId: 'd' }] });
  net.settle();
  net.tickAll(5);
  t.ok(d.node.status().confState.learners.includes('d'), 'd knows it is a learner');
  t.equal(d.node.status().commit, net.get('a').node.status().commit);
});

t.test('a follower whose log lost acknowledged entries is told apart, and caught up with no new write', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  for (const v of ['x', 'y', 'z']) net.propose('a', v);
  net.tickAll(2);
  t.same(appliedTexts(net.get('c')), ['x', 'y', 'z']);
  const matchBefore = net.get('a').node.status().progress?.['c']?.match ?? 0;
  t.ok(matchBefore >= 4, `the leader holds c's match at ${matchBefore}`);
  // c comes back with a wiped log (the same id, nothing durable): the leader still believes its match.
  const confState = { voters: ['a', 'b', 'c'], learners: [], votersOutgoing: [], learnersNext: [] };
  net.add('c', MemoryStorage.bootstrap(confState), 99);
  net.tick('a', 1); // a heartbeat: its commit is past c's log
  net.settle();
  const lost = net.get('c').node.takeLostLog();
  t.equal(lost?.leader, 'a', 'c reports that the leader commits past its log');
  t.ok((lost?.commit ?? 0) > (lost?.lastIndex ?? Infinity));
  t.same(appliedTexts(net.get('c')), ['x', 'y', 'z'], 'c has everything again, though nothing new was written');
  t.equal(net.get('a').node.status().progress?.['c']?.match, matchBefore, 'and its match is true again');
});

t.test('a heartbeat committing past the log end is reported, and the leader is told where the log ends', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('a', 'x');
  net.tickAll(2);
  const confState = { voters: ['a', 'b', 'c'], learners: [], votersOutgoing: [], learnersNext: [] };
  net.add('c', MemoryStorage.bootstrap(confState), 7);
  const seen: Array<{ type: string; from: string; reject: boolean; rejectHint: number }> = [];
  net.filter = (m) => {
    seen.push(m);
    return true;
  };
  const commit = net.get('a').node.status().commit;
  const cLast = net.get('c').storage.lastIndex();
  net.tick('a', 1);
  net.settle();
  const c = net.get('c').node;
  t.same(c.takeLostLog(), { commit, lastIndex: cLast, leader: 'a' });
  t.equal(c.takeLostLog(), undefined, 'taken by the first read');
  const resp = seen.find((m) => m.type === 'heartbeat-resp' && m.from === 'c' && m.reject);
  t.same(resp === undefined ? undefined : resp.rejectHint, cLast, 'the rejection names where the log ends');
});
