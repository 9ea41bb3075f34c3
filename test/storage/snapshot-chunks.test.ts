import t from 'tap';
import { SnapshotAssembler, joinChunks, splitIntoChunks } from '../../src/storage/snapshot-chunks.js';

const image = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);

t.test('split then join gives back the image', async (t) => {
  const chunks = splitIntoChunks(image, 3000);
  t.same(
    chunks.map((c) => c.bytes.byteLength),
    [3000, 3000, 3000, 1000],
  );
  t.ok(Buffer.from(joinChunks(chunks)).equals(image));
});

t.test('an empty image is one empty chunk', async (t) => {
  const chunks = splitIntoChunks(new Uint8Array(0), 10);
  t.equal(chunks.length, 1);
  t.equal(joinChunks(chunks).byteLength, 0);
});

t.test('a damaged chunk is refused as it arrives', async (t) => {
  const chunks = splitIntoChunks(image, 4096);
  const assembler = new SnapshotAssembler({ totalBytesMax: 1 << 20 });
  assembler.push(chunks[0]!);
  const damaged = { ...chunks[1]!, bytes: chunks[1]!.bytes.slice().fill(0) };
  t.throws(() => assembler.push(damaged), { code: 'STORAGE_SNAPSHOT_INVALID', message: /checksum/ });
});

t.test('out-of-order, foreign and oversized chunks are refused', async (t) => {
  const chunks = splitIntoChunks(image, 4096);
  t.throws(() => new SnapshotAssembler({ totalBytesMax: 1 << 20 }).push(chunks[1]!), { message: /expected chunk 0/ });
  const other = splitIntoChunks(new Uint8Array(10_000), 4096);
  const mixed = new SnapshotAssembler({ totalBytesMax: 1 << 20 });
  mixed.push(chunks[0]!);
  t.throws(() => mixed.push(other[1]!), { message: /different snapshot/ });
  t.throws(() => new SnapshotAssembler({ totalBytesMax: 9_999 }).push(chunks[0]!), { message: /exceeds the limit/ });
});

t.test('finishing early is refused', async (t) => {
  const chunks = splitIntoChunks(image, 4096);
  const assembler = new SnapshotAssembler({ totalBytesMax: 1 << 20 });
  assembler.push(chunks[0]!);
  t.notOk(assembler.complete);
  t.throws(() => assembler.finish(), { code: 'STORAGE_SNAPSHOT_INVALID', message: /1 of 3/ });
});
