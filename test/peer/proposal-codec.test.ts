import t from 'tap';
import { decodeProposal, encodeProposal } from '../../src/peer/proposal-codec.js';

const ownNames = (bytes: Uint8Array): string[] => Object.getOwnPropertyNames(bytes).filter((name) => !/^\d+$/.test(name));

t.test('a proposal round-trips, bytes commands included', async (t) => {
  const command = Buffer.from([1, 2, 3, 250]);
  const decoded = decodeProposal(encodeProposal({ origin: 'p1-5a', seq: 42, command }));
  t.equal(decoded.origin, 'p1-5a');
  t.equal(decoded.seq, 42);
  t.ok(Buffer.isBuffer(decoded.command), 'bytes come back as a Buffer');
  t.same([...(decoded.command as Buffer)], [1, 2, 3, 250]);
});

t.test('decoding adds nothing to the entry bytes, which the log keeps', async (t) => {
  const data = encodeProposal({ origin: 'p2', seq: 1, command: { type: 'put' } });
  const inFrame = new Uint8Array(data.byteLength + 8);
  inFrame.set(data, 4);
  const entryData = Buffer.from(inFrame.buffer, 4, data.byteLength);
  const before = ownNames(entryData);
  t.same(decodeProposal(entryData), { origin: 'p2', seq: 1, command: { type: 'put' } });
  t.same(ownNames(entryData), before, 'no cached DataView or other property on the bytes');
});

t.test('a malformed entry is refused', async (t) => {
  t.throws(() => decodeProposal(encodeProposal({ origin: 'p1', seq: 1, command: 1 }).subarray(0, 2)));
  t.throws(() => decodeProposal(Buffer.from([0x93, 1, 2, 3])), /malformed proposal entry/);
});
