import t from 'tap';
import { PartedImage } from '../../src/storage/parted-image.js';

const bytes = (n: number, salt = 0): Uint8Array => new Uint8Array(n).map((_, i) => (i * 7 + salt) & 0xff);

t.test('slices within one part are views, across parts copies; join gives every byte', async (t) => {
  const whole = bytes(100);
  const image = new PartedImage([whole.subarray(0, 30), new Uint8Array(0), whole.subarray(30, 31), whole.subarray(31)]);
  t.equal(image.byteLength, 100);
  t.equal(image.parts.length, 3, 'empty parts are dropped');
  t.same([...image.join()], [...whole]);
  for (const [start, end] of [[0, 0], [0, 30], [5, 29], [29, 31], [30, 31], [0, 100], [31, 100], [99, 100]] as const) {
    t.same([...image.slice(start, end)], [...whole.subarray(start, end)], `[${start}, ${end})`);
  }
  t.equal(image.slice(40, 60).buffer, whole.buffer, 'within one part: a view');
  t.throws(() => image.slice(50, 101), /outside/);
});

t.test('equalRange compares bytes whatever the parts, and knows shared memory equal', async (t) => {
  const history = bytes(1000, 1);
  const a = new PartedImage([Uint8Array.of(1, 2, 3), history, Uint8Array.of(9)]);
  const b = new PartedImage([Uint8Array.of(1, 2, 4), history, bytes(50, 2)]);
  t.ok(a.equalRange(b, 3, 1003), 'the shared part');
  t.ok(a.equalRange(b, 0, 2));
  t.notOk(a.equalRange(b, 0, 3), 'the head differs');
  t.notOk(a.equalRange(b, 1000, 1004), 'the tails differ');
  t.notOk(a.equalRange(b, 1000, 1010), 'past the end of one image');
  const copied = new PartedImage([Uint8Array.of(1, 2, 3), history.slice(0, 400), history.slice(400), Uint8Array.of(9)]);
  t.ok(a.equalRange(copied, 0, 1004), 'the same bytes in other memory and other parts');
  const flipped = history.slice();
  flipped[700] = (flipped[700] ?? 0) ^ 1;
  t.notOk(a.equalRange(new PartedImage([Uint8Array.of(1, 2, 3), flipped, Uint8Array.of(9)]), 0, 1004), 'one flipped byte');
  const shifted = new PartedImage([Uint8Array.of(1, 2), history.subarray(1)]);
  t.notOk(new PartedImage([Uint8Array.of(1, 2), history]).equalRange(shifted, 2, 900), 'the same memory at another offset is compared, not assumed');
});
