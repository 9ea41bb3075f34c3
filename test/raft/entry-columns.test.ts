import t from 'tap';
import { EntryColumns } from '../../src/raft/entry-columns.js';
import type { Entry } from '../../src/raft/types.js';

const entry = (index: number, term: number, bytes: number[] | Uint8Array, type: Entry['type'] = 'normal'): Entry => ({
  term,
  index,
  type,
  data: bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes),
});

t.test('entries come back with their term, type and a copy of their bytes', async (t) => {
  const columns = new EntryColumns();
  const source = Uint8Array.from([1, 2, 3, 4]);
  columns.push(entry(7, 2, source));
  columns.push(entry(8, 3, [], 'conf-change'));
  columns.push(entry(9, 3, [9]));
  source.fill(0);
  t.equal(columns.length, 3);
  t.same(columns.entry(0, 7), { term: 2, index: 7, type: 'normal', data: Buffer.from([1, 2, 3, 4]) }, 'a later change to the source does not reach the copy');
  t.same(columns.entry(1, 8), { term: 3, index: 8, type: 'conf-change', data: Buffer.alloc(0) });
  t.same([...columns.entry(2, 9).data], [9]);
  t.equal(columns.term(2), 3);
  t.equal(columns.term(3), undefined, 'no term past the end');
  t.equal(columns.dataBytes(0), 4);
  t.throws(() => columns.entry(3, 10), /out of range/);
});

t.test('no object is kept per entry: bytes go into shared chunks, large entries get their own', async (t) => {
  const columns = new EntryColumns();
  for (let i = 0; i < 100; i++) columns.push(entry(i + 1, 1, new Uint8Array(300).fill(i)));
  const first = columns.entry(0, 1).data;
  const last = columns.entry(99, 100).data;
  t.equal(first.buffer, last.buffer, 'small entries share one chunk');
  t.same([...last.subarray(0, 3)], [99, 99, 99]);
  columns.push(entry(101, 1, new Uint8Array(40 * 1024).fill(5)));
  const large = columns.entry(100, 101).data;
  t.not(large.buffer, first.buffer, 'a large entry has a buffer of its own');
  t.equal(large.byteLength, 40 * 1024);
  t.equal(large.byteOffset, 0);
  // Enough to fill the first chunk and start another.
  for (let i = 0; i < 1000; i++) columns.push(entry(102 + i, 2, new Uint8Array(300).fill(i % 256)));
  t.not(columns.entry(1100, 1101).data.buffer, first.buffer, 'a full chunk is followed by a new one');
  t.same([...columns.entry(1100, 1101).data.subarray(0, 2)], [999 % 256, 999 % 256]);
  t.same([...columns.entry(50, 51).data.subarray(0, 2)], [50, 50], 'entries in the old chunk are intact');
});

t.test('truncate and dropFront keep the right entries, and read entries keep their bytes', async (t) => {
  const columns = new EntryColumns();
  for (let i = 0; i < 10; i++) columns.push(entry(i + 1, i < 5 ? 1 : 2, [i, i]));
  const heldBeforeTruncate = columns.entry(8, 9);
  columns.truncate(7);
  t.equal(columns.length, 7);
  columns.push(entry(8, 3, [70, 70]));
  columns.push(entry(9, 3, [80, 80]));
  t.same([...heldBeforeTruncate.data], [8, 8], 'an entry read before a truncation still sees its own bytes');
  t.same([...columns.entry(8, 9).data], [80, 80]);
  t.equal(columns.term(8), 3);
  columns.dropFront(4);
  t.equal(columns.length, 5);
  t.equal(columns.term(0), 1, 'position 0 is the old position 4');
  t.same([...columns.entry(0, 5).data], [4, 4]);
  t.same([...columns.entry(4, 9).data], [80, 80]);
  t.throws(() => columns.truncate(6), /past the end/);
  t.throws(() => columns.dropFront(6), /past the end/);
  columns.dropFront(5);
  t.equal(columns.length, 0);
});
