import t from 'tap';
import { Network } from './network.js';
import { makeMessage } from '../../src/raft/types.js';

t.test('§5.2 a follower that hears nothing campaigns and wins a majority', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.tick('a', 20); // past any randomized timeout in [10, 19]
  net.settle();
  t.same(net.leaders(), ['a']);
  const st = net.get('a').node.status();
  t.equal(st.term, 2, 'genesis term 1, the election makes term 2');
  for (const id of ['b', 'c']) t.equal(net.get(id).node.status().leader, 'a');
  for (const id of ['a', 'b', 'c']) {
    const { id: self, term, vote, commit, applied, leader, role } = net.get(id).node.status();
    t.same(net.get(id).node.basicStatus(), { id: self, term, vote, commit, applied, leader, role }, `${id}: the basic status is the status without config or progress`);
  }
});

t.test('§5.2 election safety: at most one leader per term under repeated elections', async (t) => {
  const net = new Network(['a', 'b', 'c', 'd', 'e'], {}, 7);
  const leaderByTerm = new Map<number, string>();
  for (let i = 0; i < 300; i++) {
    net.tickAll(1);
    for (const n of net.sortedNodes()) {
      const st = n.node.status();
      if (st.role !== 'leader') continue;
      const prior = leaderByTerm.get(st.term);
      t.ok(prior === undefined || prior === n.id, `term ${st.term} has one leader`);
      leaderByTerm.set(st.term, n.id);
    }
    if (i % 50 === 25) net.isolate(net.leaders()[0] ?? 'a');
    if (i % 50 === 45) net.heal();
  }
  t.ok(leaderByTerm.size >= 2, 'isolating leaders forced new elections');
});

t.test('§5.2 a node grants one vote per term', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  const c = net.get('c');
  c.node.step(makeMessage({ type: 'vote', from: 'a', to: 'c', term: 5, index: 1, logTerm: 1 }));
  c.node.step(makeMessage({ type: 'vote', from: 'b', to: 'c', term: 5, index: 1, logTerm: 1 }));
  net.filter = () => false;
  net.processReady(c);
  const votes = net.sent.filter((m) => m.type === 'vote-resp');
  t.equal(votes.length, 2);
  t.equal(votes[0]?.reject, false, 'first candidate gets the vote');
  t.equal(votes[1]?.reject, true, 'second candidate in the same term is refused');
  t.equal(c.node.status().vote, 'a');
});

t.test('§5.4.1 election restriction: a vote needs a log at least as up to date', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  t.equal(net.elect('a'), 'leader');
  net.propose('a', 'x');
  const c = net.get('c');
  const lastIndex = c.node.status().lastIndex;
  net.filter = () => false;
  net.tick('c', 10); // out of the leader lease, so the request is considered
  net.sent = [];
  c.node.step(makeMessage({ type: 'vote', from: 'b', to: 'c', term: 9, index: lastIndex - 1, logTerm: 2 }));
  c.node.step(makeMessage({ type: 'pre-vote', from: 'b', to: 'c', term: 9, index: lastIndex - 1, logTerm: 2 }));
  net.processReady(c);
  const resp = net.sent.filter((m) => m.type === 'vote-resp' || m.type === 'pre-vote-resp');
  t.ok(resp.length >= 1 && resp.every((m) => m.reject), 'stale candidate refused');
});

t.test('thesis §9.6 PreVote: a partitioned node does not inflate the term on return', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  t.equal(net.elect('a'), 'leader');
  const term = net.get('a').node.status().term;
  net.isolate('c');
  net.tick('c', 100);
  net.settle();
  t.equal(net.get('c').node.status().term, term, 'pre-candidate did not bump its term');
  net.heal();
  net.tickAll(5);
  t.same(net.leaders(), ['a'], 'the leader was not disrupted');
  t.equal(net.get('a').node.status().term, term);
});

t.test('thesis §6.2 CheckQuorum: an isolated leader steps down after an election timeout', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  t.equal(net.elect('a'), 'leader');
  net.isolate('a');
  for (let i = 0; i < 25; i++) {
    net.tick('a');
    net.settle();
  }
  t.not(net.get('a').node.status().role, 'leader');
});

t.test('thesis §4.2.3 a follower in contact with its leader ignores disruptive vote requests', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  t.equal(net.elect('a'), 'leader');
  const b = net.get('b');
  b.node.step(makeMessage({ type: 'vote', from: 'c', to: 'b', term: 50, index: 100, logTerm: 50 }));
  t.equal(b.node.status().term, 2, 'term unchanged, request ignored');
});

t.test('thesis §3.10 leadership transfer hands off to an up-to-date follower', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  t.equal(net.elect('a'), 'leader');
  net.propose('a', 'x');
  net.get('a').node.transferLeadership('c');
  net.settle();
  t.same(net.leaders(), ['c']);
  t.ok(net.get('c').node.status().term > 2);
});

t.test('proposals without a known leader are refused with RAFT_PROPOSAL_DROPPED', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  t.throws(() => net.get('a').node.propose(new Uint8Array([1])), { code: 'RAFT_PROPOSAL_DROPPED' });
});
