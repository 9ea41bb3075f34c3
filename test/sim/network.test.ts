import t from 'tap';
import { makeMessage, type Message } from '../../src/raft/types.js';
import { SeededRng } from '../../src/util/rng.js';
import { LinkCuts } from '../../src/sim/link-cuts.js';
import { MessageHeap } from '../../src/sim/message-heap.js';
import { SimClock } from '../../src/sim/sim-clock.js';
import { CALM_NETWORK, SimNetwork, type DropReason } from '../../src/sim/sim-network.js';

t.test('the heap delivers by tick, then by send order', async (t) => {
  const heap = new MessageHeap();
  const m = makeMessage({ type: 'heartbeat', from: 'a', to: 'b' });
  const ticks = [5, 1, 3, 1, 5, 2];
  ticks.forEach((tick, seq) => heap.push({ message: m, deliverAtTick: tick, seq }));
  const order: string[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) order.push(`${item.deliverAtTick}/${item.seq}`);
  t.same(order, ['1/1', '1/3', '2/5', '3/2', '5/0', '5/4']);
});

t.test('cuts: symmetric, one-way, overlapping and healed', async (t) => {
  const cuts = new LinkCuts();
  cuts.add({ id: 1, from: ['a'], to: ['b', 'c'], symmetric: false });
  t.ok(cuts.isCut('a', 'b'));
  t.notOk(cuts.isCut('b', 'a'), 'one-way');
  cuts.add({ id: 2, from: ['a', 'b'], to: ['c'], symmetric: true });
  t.ok(cuts.isCut('c', 'b'));
  cuts.remove(1);
  t.ok(cuts.isCut('a', 'c'), 'still cut by the second partition');
  t.notOk(cuts.isCut('a', 'b'));
  cuts.clear();
  t.notOk(cuts.isCut('c', 'a'));
});

t.test('the network loses, duplicates and delays by the seeded rng, and cuts in flight', async (t) => {
  const clock = new SimClock();
  const delivered: Message[] = [];
  const dropped: DropReason[] = [];
  const net = new SimNetwork(new SeededRng(7), clock, {
    deliver: (m) => (delivered.push(m), true),
    dropped: (_m, reason) => dropped.push(reason),
  });
  net.setConditions({ ...CALM_NETWORK, dropRate: 0.3, duplicateRate: 0.3, maxDelayTicks: 4 });
  for (let i = 0; i < 200; i++) net.send(makeMessage({ type: 'heartbeat', from: 'a', to: 'b', commit: i }));
  for (let i = 0; i < 5; i++) {
    clock.advance();
    net.deliverDue();
  }
  t.ok(dropped.length > 30 && dropped.every((r) => r === 'loss'), 'about 30% lost');
  t.ok(delivered.length > 140, 'duplicates arrive');
  const commits = delivered.map((m) => m.commit);
  t.notSame(commits, [...commits].sort((x, y) => x - y), 'random delays reorder');

  net.setConditions(CALM_NETWORK);
  net.send(makeMessage({ type: 'heartbeat', from: 'a', to: 'b' }));
  net.cuts.add({ id: 1, from: ['a'], to: ['b'], symmetric: true });
  clock.advance();
  clock.advance();
  net.deliverDue();
  t.equal(dropped[dropped.length - 1], 'cut', 'a partition that starts in flight stops the message');
  t.equal(net.inFlight, 0);
});
