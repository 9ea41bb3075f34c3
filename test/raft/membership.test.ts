import t from 'tap';
import { appliedTexts, Network } from './network.js';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { changeMembership } from '../../src/raft/membership.js';
import { configFromConfState, confStateFromConfig } from '../../src/raft/tracker.js';

const conf = (voters: string[], learners: string[] = []) =>
  configFromConfState({ voters, learners, votersOutgoing: [], learnersNext: [] });

t.test('thesis §4.1 simple change: one voter at a time, more needs a joint config', async (t) => {
  const next = changeMembership(conf(['a', 'b', 'c']), { changes: [{ type: 'add-voter', nodeId: 'd' }] });
  t.same(confStateFromConfig(next).voters, ['a', 'b', 'c', 'd']);
  const joint = changeMembership(conf(['a', 'b', 'c']), {
    changes: [
      { type: 'add-voter', nodeId: 'd' },
      { type: 'remove-node', nodeId: 'a' },
    ],
  });
  const cs = confStateFromConfig(joint);
  t.same(cs.voters, ['b', 'c', 'd']);
  t.same(cs.votersOutgoing, ['a', 'b', 'c']);
  t.same(confStateFromConfig(changeMembership(joint, { changes: [] })).votersOutgoing, []);
  t.throws(() => changeMembership(conf(['a']), { changes: [{ type: 'remove-node', nodeId: 'a' }] }), { code: 'RAFT_BAD_CONF_CHANGE' });
  t.throws(() => changeMembership(joint, { changes: [{ type: 'add-voter', nodeId: 'e' }] }), { code: 'RAFT_BAD_CONF_CHANGE' });
});

t.test('thesis §4.3 joint demotion: a voter demoted while joint becomes a learner on leaving', async (t) => {
  const joint = changeMembership(conf(['a', 'b', 'c']), {
    changes: [
      { type: 'add-learner', nodeId: 'c' },
      { type: 'add-voter', nodeId: 'd' },
    ],
  });
  t.same(confStateFromConfig(joint).learnersNext, ['c']);
  const left = confStateFromConfig(changeMembership(joint, { changes: [] }));
  t.same(left.learners, ['c']);
  t.same(left.voters, ['a', 'b', 'd']);
});

t.test('thesis §4.2.1 a learner catches up and never campaigns', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('a', 'before');
  net.add('d', new MemoryStorage(), 9);
  net.get('a').node.proposeConfChange({ changes: [{ type: 'add-learner', nodeId: 'd' }] });
  net.tickAll(5);
  t.same(appliedTexts(net.get('d')), ['before'], 'learner replicated the log');
  net.tick('d', 50);
  net.settle();
  t.equal(net.get('d').node.status().role, 'follower', 'a learner never campaigns');
});

t.test('membership: promote a learner, remove a voter, joint change auto-leaves', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.add('d', new MemoryStorage(), 9);
  const a = net.get('a').node;
  a.proposeConfChange({ changes: [{ type: 'add-learner', nodeId: 'd' }] });
  net.tickAll(3);
  a.proposeConfChange({ changes: [{ type: 'add-voter', nodeId: 'd' }] });
  net.tickAll(3);
  t.same(a.status().confState.voters, ['a', 'b', 'c', 'd']);
  t.equal(net.get('d').node.status().confState.voters.includes('d'), true);
  a.proposeConfChange({ changes: [{ type: 'remove-node', nodeId: 'b' }] });
  net.tickAll(3);
  t.same(a.status().confState.voters, ['a', 'c', 'd']);
  // joint: replace c with e in one change
  net.add('e', new MemoryStorage(), 11);
  a.proposeConfChange({ changes: [{ type: 'add-learner', nodeId: 'e' }] });
  net.tickAll(3);
  a.proposeConfChange({ changes: [{ type: 'add-voter', nodeId: 'e' }, { type: 'remove-node', nodeId: 'c' }] });
  net.tickAll(5);
  const cs = a.status().confState;
  t.same(cs.voters, ['a', 'd', 'e']);
  t.same(cs.votersOutgoing, [], 'the joint configuration was left automatically');
  net.propose('a', 'after');
  net.tickAll(2);
  t.same(appliedTexts(net.get('e')), ['after']);
});

t.test('one membership change at a time', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.filter = () => false;
  const a = net.get('a').node;
  a.proposeConfChange({ changes: [{ type: 'add-learner', nodeId: 'd' }] });
  t.throws(() => a.proposeConfChange({ changes: [{ type: 'add-learner', nodeId: 'e' }] }), { code: 'RAFT_CONF_CHANGE_PENDING' });
});

t.test('a removed leader steps down and the rest elect a new one', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.get('a').node.proposeConfChange({ changes: [{ type: 'remove-node', nodeId: 'a' }] });
  net.tickAll(40);
  const leaders = net.leaders();
  t.equal(leaders.length, 1);
  t.not(leaders[0], 'a');
  net.propose(leaders[0] ?? 'b', 'still-works');
  net.tickAll(2);
  t.same(appliedTexts(net.get('c')).slice(-1), ['still-works']);
});
