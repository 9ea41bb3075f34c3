import t, { type Test } from 'tap';
import { Packr } from 'msgpackr';
import { makeMessage } from '../../src/raft/types.js';
import { decodeFrame, encodeFrame, type Frame } from '../../src/transport/frame-codec.js';
import { BatchWire, messageToWire } from '../../src/transport/message-wire.js';
import { TransportError } from '../../src/transport/transport-error.js';
import { DEFAULT_TRANSPORT_LIMITS, resolveTransportLimits } from '../../src/transport/transport-limits.js';
import { SeededRng } from '../../src/util/rng.js';
import { append, snapshotMessage } from './fixtures/helpers.js';

const limits = DEFAULT_TRANSPORT_LIMITS;
const packr = new Packr({ useRecords: false });

function expectCode(t: Test, bytes: Uint8Array, code: string, title: string): void {
  try {
    decodeFrame(bytes, limits);
    t.fail(`${title}: decoded`);
  } catch (error) {
    t.ok(error instanceof TransportError, `${title}: a TransportError`);
    t.equal((error as TransportError).code, code, title);
  }
}

t.test('round-trips every frame kind, binaries as Uint8Array', async (t) => {
  const nonce = new Uint8Array(32).fill(1);
  const proof = new Uint8Array(32).fill(2);
  const frames: Frame[] = [
    { kind: 'challenge', version: 1, clusterId: 'c', nonce },
    { kind: 'auth', version: 1, clusterId: 'c', from: 'p1', to: 'p2', nonce, proof },
    { kind: 'welcome', proof },
    { kind: 'batch', messages: [append('p1', 'p2', 3, 'x'), snapshotMessage('p1', 'p2', 100)] },
  ];
  // Binaries come back as Buffer, a Uint8Array subclass; compare their bytes.
  const plain = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return { bytes: [...value] };
    if (Array.isArray(value)) return value.map(plain);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
  };
  for (const frame of frames) {
    const decoded = decodeFrame(encodeFrame(frame), limits);
    t.same(plain(decoded), plain(frame), frame.kind);
  }
  const batch = decodeFrame(encodeFrame(frames[3] as Frame), limits);
  t.ok(batch.kind === 'batch' && batch.messages[0]?.entries[0]?.data instanceof Uint8Array);
  t.notOk('snapshot' in (decodeFrame(encodeFrame({ kind: 'batch', messages: [makeMessage({ type: 'vote', from: 'a', to: 'b' })] }), limits) as { messages: object[] }).messages[0]!);
});

t.test('a batch laid out in reused arrays packs to the same bytes as a fresh layout, and leaves nothing held', async (t) => {
  // The options frame-codec packs with; a batch is [4, [message, ...]].
  const fresh = new Packr({ useRecords: false, mapsAsObjects: true, copyBuffers: false, moreTypes: false });
  const batches = [
    [append('p1', 'p2', 3, 'x'), snapshotMessage('p1', 'p2', 100)],
    [makeMessage({ type: 'append-resp', from: 'p2', to: 'p1', term: 4, index: 9, reject: true, rejectHint: 7 })],
    Array.from({ length: 300 }, (_, i) => append('p1', 'p3', i, 'y'.repeat(i % 5))), // past the 256 pooled messages
    Array.from({ length: 40 }, (_, i) => makeMessage({ type: 'append', from: 'p1', to: 'p3', term: 2, index: i, entries: Array.from({ length: 30 }, (_, j) => ({ term: 2, index: i * 30 + j, type: 'normal' as const, data: new Uint8Array([j]) })) })), // past the 1,024 pooled entries
  ];
  for (const [n, messages] of batches.entries()) {
    const expected = fresh.pack([4, messages.map(messageToWire)]);
    t.same(Buffer.from(encodeFrame({ kind: 'batch', messages })), Buffer.from(expected), `batch ${n} (${messages.length} messages)`);
  }
  const wire = new BatchWire();
  wire.layout(4, batches[0]!);
  t.ok(wire.held() > 0);
  wire.release();
  t.equal(wire.held(), 0, 'no entry data or message held after release');
});

t.test('garbage, truncation and wrong shapes are coded errors, never crashes', async (t) => {
  const good = encodeFrame({ kind: 'batch', messages: [append('p1', 'p2', 3, 'payload')] });
  for (let cut = 0; cut < good.byteLength; cut++) {
    t.throws(() => decodeFrame(good.subarray(0, cut), limits), { code: 'TRANSPORT_BAD_FRAME' });
  }
  expectCode(t, new Uint8Array([0xc1]), 'TRANSPORT_BAD_FRAME', 'reserved byte');
  expectCode(t, Buffer.concat([good, Buffer.from([0])]), 'TRANSPORT_BAD_FRAME', 'trailing bytes');
  expectCode(t, packr.pack({ kind: 'batch' }), 'TRANSPORT_BAD_FRAME', 'a map');
  expectCode(t, packr.pack([9, []]), 'TRANSPORT_BAD_FRAME', 'unknown kind');
  expectCode(t, packr.pack([4, []]), 'TRANSPORT_BAD_FRAME', 'empty batch');
  const wire = messageToWire(append('p1', 'p2', 3, 'x'));
  const mutate = (index: number, value: unknown): unknown[] => wire.map((v, i) => (i === index ? value : v));
  expectCode(t, packr.pack([4, [mutate(0, 99)]]), 'TRANSPORT_BAD_FRAME', 'unknown message type');
  expectCode(t, packr.pack([4, [mutate(3, -1)]]), 'TRANSPORT_BAD_FRAME', 'negative term');
  expectCode(t, packr.pack([4, [mutate(3, 1.5)]]), 'TRANSPORT_BAD_FRAME', 'fractional term');
  expectCode(t, packr.pack([4, [mutate(7, 1)]]), 'TRANSPORT_BAD_FRAME', 'reject not boolean');
  expectCode(t, packr.pack([4, [mutate(1, 'x'.repeat(65))]]), 'TRANSPORT_BAD_FRAME', 'id too long');
  expectCode(t, packr.pack([4, [mutate(9, [[1, 2, 0, 'not bytes']])]]), 'TRANSPORT_BAD_FRAME', 'entry data as string');
  // Each malformed entry field is named, down to the entry (paths are built only on failure).
  const fine = [1, 2, 0, new Uint8Array(1)];
  const badEntries: Array<[unknown, string]> = [
    [[1, 2, 0], 'entries[1]: expected an array of 4..4'],
    [[-1, 2, 0, new Uint8Array(1)], 'entries[1].term: expected a non-negative integer'],
    [[1, 2.5, 0, new Uint8Array(1)], 'entries[1].index: expected a non-negative integer'],
    [[1, 2, 7, new Uint8Array(1)], 'entries[1].type: expected a code below 2'],
    [[1, 2, 0, 'x'], 'entries[1].data: expected binary'],
    ['entry', 'entries[1]: expected an array'],
  ];
  for (const [bad, message] of badEntries) {
    t.throws(() => decodeFrame(packr.pack([4, [mutate(9, [fine, bad])]]), limits), { code: 'TRANSPORT_BAD_FRAME', message: new RegExp(`^batch\\.messages\\[0\\]\\.${message.replace(/[[\]]/g, '\\$&')}`) }, message);
  }
  t.throws(() => decodeFrame(packr.pack([4, [mutate(5, 'x')]]), limits), { message: /^batch\.messages\[0\]\.index: expected a non-negative integer/ });
  t.throws(() => decodeFrame(packr.pack([4, [mutate(9, 'x')]]), limits), { message: /^batch\.messages\[0\]\.entries: expected an array/ });
  expectCode(t, packr.pack([4, [mutate(11, new Uint8Array(70_000))]]), 'TRANSPORT_BAD_FRAME', 'context too large');
  expectCode(t, packr.pack([4, [wire.slice(0, 11)]]), 'TRANSPORT_BAD_FRAME', 'missing field');
  expectCode(t, packr.pack([2, 1, 'c', 'p1', 'p2', new Uint8Array(31), new Uint8Array(32)]), 'TRANSPORT_BAD_FRAME', 'short nonce');
  expectCode(t, packr.pack([5, 1, 1, 2, 10, new Uint8Array(32), wire, new Uint8Array(1)]), 'TRANSPORT_BAD_FRAME', 'header on seq 1');
  expectCode(t, packr.pack([5, 1, 2, 2, 10, new Uint8Array(32), null, new Uint8Array(1)]), 'TRANSPORT_BAD_FRAME', 'seq past count');
  const small = resolveTransportLimits({ frameBytesMax: 2 * 1024 * 1024, snapshotChunkBytes: 1024 });
  t.throws(() => decodeFrame(new Uint8Array(small.frameBytesMax + 1), small), { code: 'TRANSPORT_FRAME_TOO_LARGE' });
});

t.test('random bytes and random mutations of a good frame never escape as other errors', async (t) => {
  const rng = new SeededRng(7);
  const good = encodeFrame({ kind: 'batch', messages: [append('p1', 'p2', 3, 'payload'), snapshotMessage('p1', 'p2', 64)] });
  let rejected = 0;
  for (let round = 0; round < 3000; round++) {
    let bytes: Uint8Array;
    if (round % 2 === 0) {
      bytes = new Uint8Array(rng.int(0, 64)).map(() => rng.int(0, 255));
    } else {
      bytes = Uint8Array.from(good);
      for (let flips = rng.int(1, 4); flips > 0; flips--) bytes[rng.int(0, bytes.length - 1)] = rng.int(0, 255);
    }
    try {
      decodeFrame(bytes, limits);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      rejected++;
    }
  }
  t.ok(rejected > 1500, `rejected ${rejected} of 3000`);
});
