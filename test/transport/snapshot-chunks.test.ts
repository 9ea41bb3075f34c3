import t from 'tap';
import type { ChunkFrame } from '../../src/transport/frame-codec.js';
import { decodeFrame, encodeFrame } from '../../src/transport/frame-codec.js';
import { splitSnapshotMessage } from '../../src/transport/snapshot-chunks.js';
import { SnapshotReassembler } from '../../src/transport/snapshot-reassembler.js';
import { DEFAULT_TRANSPORT_LIMITS } from '../../src/transport/transport-limits.js';
import { snapshotMessage } from './fixtures/helpers.js';

const message = snapshotMessage('p1', 'p2', 10_000, 3);
const chunks = (): ChunkFrame[] => splitSnapshotMessage(message, 4096, 1);

t.test('split then reassemble (through the codec) gives the same snapshot', async (t) => {
  const parts = chunks();
  t.equal(parts.length, 3);
  const reassembler = new SnapshotReassembler(1 << 20);
  let whole;
  for (const part of parts) {
    const decoded = decodeFrame(encodeFrame(part), DEFAULT_TRANSPORT_LIMITS);
    t.equal(decoded.kind, 'chunk');
    whole = reassembler.feed(decoded as ChunkFrame);
  }
  t.ok(whole);
  t.equal(Buffer.compare(Buffer.from(whole?.snapshot?.data ?? []), Buffer.from(message.snapshot?.data ?? [])), 0);
  t.same(whole?.snapshot?.meta, message.snapshot?.meta);
  t.equal(reassembler.bytesBuffered, 0, 'nothing retained after delivery');
});

t.test('out-of-order, oversize, corrupt and inconsistent streams are coded errors', async (t) => {
  const code = { code: 'TRANSPORT_SNAPSHOT_STREAM' };
  const [a, b, c] = chunks() as [ChunkFrame, ChunkFrame, ChunkFrame];
  t.throws(() => new SnapshotReassembler(1 << 20).feed(b), code, 'no stream yet');
  const skip = new SnapshotReassembler(1 << 20);
  skip.feed(a);
  t.throws(() => skip.feed(c), code, 'skipped a chunk');
  t.throws(() => new SnapshotReassembler(5000).feed(a), code, 'declared size above the limit, refused before allocating');
  const corrupt = new SnapshotReassembler(1 << 20);
  corrupt.feed(a);
  corrupt.feed(b);
  t.throws(() => corrupt.feed({ ...c, data: new Uint8Array(c.data.byteLength) }), code, 'checksum mismatch');
  const liar = new SnapshotReassembler(1 << 20);
  liar.feed(a);
  t.throws(() => liar.feed({ ...b, totalBytes: 99 }), code, 'size disagrees');
  const restart = new SnapshotReassembler(1 << 20);
  restart.feed(a);
  const [a2, b2, c2] = splitSnapshotMessage(message, 4096, 2) as [ChunkFrame, ChunkFrame, ChunkFrame];
  restart.feed(a2);
  restart.feed(b2);
  t.ok(restart.feed(c2), 'a new stream replaces an abandoned one');
});
