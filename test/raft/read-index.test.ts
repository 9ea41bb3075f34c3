import t from 'tap';
import { Network } from './network.js';

const ctx = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

t.test('thesis §6.4 ReadIndex on the leader waits for a heartbeat quorum', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('a', 'x');
  const a = net.get('a');
  net.filter = () => false;
  a.node.readIndex(ctx('r1'));
  net.processReady(a);
  t.equal(a.readStates.length, 0, 'no answer before followers confirm leadership');
  net.heal();
  net.tickAll(1); // the next heartbeat carries the pending read's context
  t.equal(a.readStates.length, 1);
  t.equal(text(a.readStates[0]!.requestCtx), 'r1');
  t.equal(a.readStates[0]!.index, a.node.status().commit);
});

t.test('thesis §6.4 a follower gets a read index from the leader', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.propose('a', 'x');
  const b = net.get('b');
  b.node.readIndex(ctx('rb'));
  net.settle();
  t.equal(b.readStates.length, 1);
  t.equal(text(b.readStates[0]!.requestCtx), 'rb');
  t.equal(b.readStates[0]!.index, net.get('a').node.status().commit, 'the leader commit index at the time of the read');
});

t.test('thesis §6.4 a deposed leader cannot confirm a read', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.elect('a');
  net.isolate('a');
  net.get('a').node.readIndex(ctx('stale'));
  net.settle();
  t.equal(net.get('a').readStates.length, 0);
});

t.test('reads wait for the new leader to commit an entry of its term', async (t) => {
  const net = new Network(['a', 'b', 'c']);
  net.filter = (m) => m.type !== 'append-resp';
  net.elect('a');
  const a = net.get('a');
  a.node.readIndex(ctx('early'));
  net.settle();
  t.equal(a.readStates.length, 0, 'held until the no-op commits');
  net.heal();
  net.tickAll(2);
  t.equal(a.readStates.length, 1);
});
