import t from 'tap';
import { Packr } from 'msgpackr';
import { unwrapImage, wrapImage } from '../../src/peer/snapshot-steps.js';

const packr = new Packr({ useRecords: false, moreTypes: false });
const members = [
  { id: 'p1', peerUrl: 'ws://127.0.0.1:2390', clientUrl: 'http://127.0.0.1:2389' },
  { id: 'p2', peerUrl: 'ws://127.0.0.1:2400', clientUrl: 'http://127.0.0.1:2399' },
];

t.test('a wrapped image has the bytes msgpackr would write, for every bin header size', async (t) => {
  for (const length of [0, 1, 255, 256, 65_535, 65_536, 1_000_000]) {
    const image = Uint8Array.from({ length }, (_, i) => (i * 31) & 0xff);
    const wrapped = wrapImage(members, image);
    t.ok(Buffer.from(wrapped).equals(Buffer.from(packr.pack({ members, image }))), `${length} bytes: same as packr.pack`);
    t.equal(wrapped.buffer.byteLength, wrapped.byteLength, `${length} bytes: a buffer of exactly its size`);
    const back = unwrapImage(wrapped);
    t.same(back.members, members);
    t.ok(Buffer.from(back.image).equals(Buffer.from(image)), `${length} bytes: the image comes back`);
  }
});
