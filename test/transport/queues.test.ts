import t from 'tap';
import { ByteBoundedQueue } from '../../src/transport/byte-bounded-queue.js';
import { DelayLine } from '../../src/transport/delay-line.js';
import { OutboundPipeline } from '../../src/transport/outbound-pipeline.js';
import { resolveTransportLimits } from '../../src/transport/transport-limits.js';
import { ManualClock } from '../../src/util/clock.js';
import { append, heartbeat, snapshotMessage } from './fixtures/helpers.js';

t.test('ByteBoundedQueue refuses beyond its length or byte bound', async (t) => {
  const queue = new ByteBoundedQueue<string>(3, 100);
  t.ok(queue.push('a', 60));
  t.notOk(queue.push('b', 41), 'bytes');
  t.ok(queue.push('b', 40));
  t.ok(queue.push('c', 0));
  t.notOk(queue.push('d', 0), 'length');
  t.same(queue.drain(2), ['a', 'b']);
  t.equal(queue.bytes, 0);
  t.equal(queue.length, 1);
});

t.test('ByteBoundedQueue stays FIFO and exact through empties, refills and compaction', async (t) => {
  // Checked against a plain array: pushes and shifts interleaved, the queue emptied often
  // (it then starts again at the front of its arrays) and once held over 1,024 deep
  // (its arrays are then cut down to what is queued).
  const queue = new ByteBoundedQueue<number>(5000, 1_000_000);
  const model: number[] = [];
  let next = 0;
  let seed = 7;
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let round = 0; round < 400; round++) {
    const pushes = round === 200 ? 3000 : rand(6);
    for (let i = 0; i < pushes; i++) {
      if (!queue.push(next, next % 7)) t.fail(`push ${next} refused`);
      model.push(next++);
    }
    const shifts = round === 201 ? 2500 : rand(7);
    for (let i = 0; i < shifts; i++) {
      const expected = model.shift();
      if (queue.shift() !== expected) t.fail(`round ${round}: shift gave another item than ${expected}`);
    }
    if (queue.length !== model.length || queue.bytes !== model.reduce((sum, n) => sum + (n % 7), 0)) t.fail(`round ${round}: length or bytes`);
    if (queue.peek() !== model[0]) t.fail(`round ${round}: peek`);
  }
  t.same(queue.drain(), model, 'what is left, in order');
  t.equal(queue.length, 0);
  t.equal(queue.bytes, 0);
  t.equal(queue.peek(), undefined);
  t.equal(queue.peekBytes(), 0);
});

t.test('DelayLine releases in order on the clock, bounded', async (t) => {
  const clock = new ManualClock();
  const out: number[] = [];
  const line = new DelayLine<number>(clock, 2, (n) => out.push(n));
  t.ok(line.push(1, 100));
  t.ok(line.push(2, 0), 'no overtaking: held behind 1');
  t.notOk(line.push(3, 0), 'full');
  clock.advance(99);
  t.same(out, []);
  clock.advance(1);
  t.same(out, [1, 2]);
  t.ok(line.push(4, 0));
  t.same(out, [1, 2, 4], 'empty line with no delay passes at once');
});

t.test('OutboundPipeline: batches, splits snapshots into chunks in order, refuses what cannot fit', async (t) => {
  const limits = resolveTransportLimits({ batchMessagesMax: 3, snapshotChunkBytes: 1000, snapshotBytesMax: 5000 });
  const pipeline = new OutboundPipeline(limits);
  for (let i = 0; i < 4; i++) t.equal(pipeline.enqueue(heartbeat('p1', 'p2', i), 0), 'queued');
  t.equal(pipeline.enqueue(snapshotMessage('p1', 'p2', 2500), 0), 'queued');
  t.equal(pipeline.enqueue(append('p1', 'p2', 1, 'x'), 0), 'queued');
  t.equal(pipeline.enqueue(snapshotMessage('p1', 'p2', 6000), 0), 'oversize');
  const counts: number[] = [];
  for (let next = pipeline.next(0); next.frames.length > 0; next = pipeline.next(0)) {
    counts.push(...next.frames.map((f) => f.messages));
  }
  t.same(counts, [3, 1, 0, 0, 1, 1], 'batch of 3, batch of 1 before the stream, 3 chunks, then the append');
  t.equal(pipeline.length, 0);
});

t.test('OutboundPipeline holds delayed messages without reordering', async (t) => {
  const pipeline = new OutboundPipeline(resolveTransportLimits());
  pipeline.enqueue(heartbeat('p1', 'p2', 1), 0, 50);
  pipeline.enqueue(heartbeat('p1', 'p2', 2), 10, 0);
  t.same(pipeline.next(20), { frames: [], oversize: 0, waitMs: 30 });
  t.equal(pipeline.next(50).frames[0]?.messages, 2);
});

t.test('resolveTransportLimits fills defaults and refuses nonsense', async (t) => {
  t.equal(resolveTransportLimits().frameBytesMax, 16 * 1024 * 1024);
  t.throws(() => resolveTransportLimits({ sendQueueLengthMax: 0 }), { code: 'TRANSPORT_BAD_CONFIG' });
  t.throws(() => resolveTransportLimits({ snapshotChunkBytes: 16 * 1024 * 1024 }), { code: 'TRANSPORT_BAD_CONFIG' });
  t.throws(() => resolveTransportLimits({ reconnectInitialMs: 10, reconnectMaxMs: 5 }), { code: 'TRANSPORT_BAD_CONFIG' });
});
