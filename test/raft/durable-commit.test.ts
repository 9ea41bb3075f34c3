import t from 'tap';
import { Network, type TestNode } from './network.js';
import type { Message } from '../../src/raft/types.js';

const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/**
 * A leader that has produced its Ready for a new entry but not persisted it: its appends go
 * to the followers, which persist and answer; the answers are handed back for the test to
 * step into the leader while its own write is still "in flight".
 */
function leaderMidWrite(propose: (leader: TestNode) => void): { net: Network; leader: TestNode; acks: Message[]; lastIndex: number } {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.tickAll(2);
  const leader = net.get('a');
  propose(leader);
  const rd = leader.node.ready();
  const lastIndex = rd.entries[rd.entries.length - 1]!.index;
  for (const m of rd.messages) net.get(m.to).node.step(m);
  const acks: Message[] = [];
  for (const id of ['b', 'c']) {
    const follower = net.get(id);
    const frd = follower.node.ready();
    follower.storage.append(frd.entries);
    if (frd.hardState !== undefined) follower.storage.setHardState(frd.hardState);
    acks.push(...frd.messages.filter((m) => m.type === 'append-resp'));
    follower.node.advance(frd);
  }
  return { net, leader, acks, lastIndex };
}

t.test('§10.2.1 the leader\'s own copy counts toward commit once written: followers\' disks can commit without it', async (t) => {
  const { leader, acks, lastIndex } = leaderMidWrite((l) => l.node.propose(new TextEncoder().encode('x')));
  t.ok(leader.storage.lastIndex() < lastIndex, 'the leader has not written x');
  t.equal(acks.length, 2);
  const { applied, commit } = leader.node.status();
  leader.node.step(acks[0]!);
  t.equal(leader.node.status().commit, commit, 'one follower and an unwritten leader are not a quorum of disks');
  t.same(leader.node.committedEntriesAfter(applied), []);
  leader.node.step(acks[1]!);
  t.equal(leader.node.status().commit, lastIndex, 'both followers are a quorum without the leader');
  t.same(leader.node.committedEntriesAfter(applied).map((e) => text(e.data)), ['x'], 'to apply before the leader\'s write lands');
  t.same(leader.node.committedEntriesAfter(lastIndex), [], 'nothing past what is applied');
  const notices = leader.node.takeLeaderMessages().filter((m) => m.type === 'append');
  t.same(notices.map((m) => [m.to, m.commit]).sort(), [['b', lastIndex], ['c', lastIndex]], 'the new commit index goes to both followers at once');
});

t.test('§10.2.1 once the leader\'s write lands, one follower is enough', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.tickAll(2);
  const leader = net.get('a');
  leader.node.propose(new TextEncoder().encode('x'));
  const rd = leader.node.ready();
  const x = rd.entries[rd.entries.length - 1]!.index;
  leader.storage.append(rd.entries);
  if (rd.hardState !== undefined) leader.storage.setHardState(rd.hardState);
  leader.node.advance(rd);
  t.ok(leader.node.status().commit < x, 'the leader alone does not commit');
  const b = net.get('b');
  for (const m of rd.messages.filter((m) => m.to === 'b')) b.node.step(m);
  const brd = b.node.ready();
  b.storage.append(brd.entries);
  for (const m of brd.messages) if (m.type === 'append-resp') leader.node.step(m);
  t.equal(leader.node.status().commit, x, 'the leader and one follower commit');
});

t.test('a single-voter cluster commits an entry in the Ready after its write, not with it', async (t) => {
  const net = new Network(['solo']);
  net.elect('solo');
  net.tickAll(2);
  const solo = net.get('solo');
  solo.node.propose(new TextEncoder().encode('x'));
  const rd = solo.node.ready();
  t.same(rd.committedEntries.map((e) => text(e.data)), [], 'not committed before it is on disk');
  solo.storage.append(rd.entries);
  solo.node.advance(rd);
  t.ok(solo.node.hasReady());
  t.same(solo.node.ready().committedEntries.map((e) => text(e.data)), ['x']);
});

t.test('§10.2.1 the list stops before a configuration change, and a follower has none', async (t) => {
  const { net, leader, acks, lastIndex } = leaderMidWrite((l) => {
    l.node.propose(new TextEncoder().encode('before'));
    l.node.proposeConfChange({ changes: [{ type: 'add-learner', nodeId: 'd' }] });
    l.node.propose(new TextEncoder().encode('after'));
  });
  for (const ack of acks) leader.node.step(ack);
  t.equal(leader.node.status().commit, lastIndex);
  const entries = leader.node.committedEntriesAfter(leader.node.status().applied);
  t.same(entries.map((e) => [e.type, text(e.data)]), [['normal', 'before']], 'stops before the change');
  const follower = net.get('b');
  t.same(follower.node.committedEntriesAfter(0), [], 'a follower applies by its Readies only');
  t.same(follower.node.takeLeaderMessages(), [], 'and sends by them');
});
