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
