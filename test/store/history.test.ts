import t from 'tap';
import { History, isTombstone, type HistoryEntry } from '../../src/store/history.js';
import { ValueSlab } from '../../src/store/value-slab.js';

function entry(key: string, main: number, tombstone = false): HistoryEntry {
  return { key: Buffer.from(key), value: Buffer.from(`v${main}`), createRevision: tombstone ? 0 : main, modRevision: main, version: tombstone ? 0 : 1, lease: '0' };
}

function keys(entries: readonly HistoryEntry[]): string[] {
  return entries.map((kv) => Buffer.from(kv.key).toString());
}

function revisions(history: History): string[] {
  return [...history.entries()].map(({ revision }) => `${revision.main}.${revision.sub}`);
}

t.test('history keeps revision order across single changes and multi-change revisions', async (t) => {
  const history = new History();
  // Far apart, one revision with three changes, one restored with a hole.
  const mains = [2, 3, 4095, 4096, 4097, 9000, 20_000];
  for (const main of mains) history.append({ main, sub: 0 }, entry(`k${main}`, main));
  history.append({ main: 20_000, sub: 1 }, entry('x', 20_000));
  history.append({ main: 20_000, sub: 2 }, entry('y', 20_000, true));
  history.append({ main: 20_001, sub: 1 }, entry('restored', 20_001));
  t.same(revisions(history), ['2.0', '3.0', '4095.0', '4096.0', '4097.0', '9000.0', '20000.0', '20000.1', '20000.2', '20001.1']);
  t.equal(Buffer.from(history.get({ main: 4096, sub: 0 }).key).toString(), 'k4096');
  t.equal(isTombstone(history.get({ main: 20_000, sub: 2 })), true);
  t.equal(isTombstone(history.get({ main: 20_000, sub: 1 })), false);
  t.same(keys(history.entriesAt(20_000)), ['k20000', 'x', 'y']);
  t.same(keys(history.entriesAt(20_001)), ['restored']);
  t.same(history.entriesAt(5), [], 'no record');
  t.throws(() => history.get({ main: 20_001, sub: 0 }), /no history entry at 20001.0/, 'a hole is not an entry');
  t.throws(() => history.get({ main: 3, sub: 1 }), /no history entry at 3.1/);
  t.throws(() => history.append({ main: 5, sub: 0 }, entry('late', 5)), /revision order/);
  t.throws(() => history.append({ main: 3, sub: 0 }, entry('late', 3)), /revision order/);
  t.throws(() => history.append({ main: 20_000, sub: 3 }, entry('again', 20_000)), /revision order/);
  t.throws(() => history.append({ main: 20_001, sub: 1 }, entry('again', 20_001)), /sub-revisions must grow/);
  const ordered = history.ordered();
  t.same(ordered.mains, [2, 3, 4095, 4096, 4097, 9000, 20_000, 20_000, 20_000, 20_001]);
  t.same(ordered.subs, [0, 0, 0, 0, 0, 0, 0, 1, 2, 1]);
});

t.test('removing entries counts bytes and rebuilds the columns, leaving those handed out whole', async (t) => {
  const history = new History();
  for (const main of [2, 3, 5000]) history.append({ main, sub: 0 }, entry('k', main));
  history.append({ main: 5000, sub: 1 }, entry('j', 5000));
  const before = history.ordered();
  const bytes = history.bytes;
  history.remove({ main: 2, sub: 0 });
  history.remove({ main: 5000, sub: 0 });
  t.throws(() => history.remove({ main: 2, sub: 0 }), /removing a missing history entry/, 'twice, before the columns are rebuilt');
  t.same(revisions(history), ['3.0', '5000.1']);
  t.ok(history.bytes < bytes);
  t.same(keys(history.entriesAt(5000)), ['j'], 'the record keeps its other change');
  history.remove({ main: 5000, sub: 1 });
  history.remove({ main: 3, sub: 0 });
  t.same(revisions(history), []);
  t.equal(history.bytes, 0);
  t.throws(() => history.remove({ main: 3, sub: 0 }), /removing a missing history entry/);
  const after = history.ordered();
  t.not(after, before, 'a removal breaks the unbroken history: ordered() is built anew');
  t.same(after.mains, []);
  t.same(before.mains, [2, 3, 5000, 5000], 'columns handed out before the removal are as they were');
  t.same(Buffer.from(before.entry(3).key).toString(), 'j');
  history.append({ main: 5001, sub: 0 }, entry('k', 5001));
  t.same(revisions(history), ['5001.0'], 'appends go on after the last page emptied');
});

t.test('entries are built on each read, from columns that keep no object per entry', async (t) => {
  const history = new History();
  const slab = new ValueSlab();
  const value = slab.copy(Buffer.from('value at 2'));
  history.append({ main: 2, sub: 0 }, { key: Buffer.from('k'), value, createRevision: 2, modRevision: 2, version: 1, lease: '7' });
  history.append({ main: 3, sub: 0 }, { key: Buffer.from('k'), value: new Uint8Array(0), createRevision: 0, modRevision: 3, version: 0, lease: '0' });
  const first = history.get({ main: 2, sub: 0 });
  t.not(history.get({ main: 2, sub: 0 }), first, 'a new object per read');
  t.same(history.get({ main: 2, sub: 0 }), first);
  t.same({ ...first, key: Buffer.from(first.key).toString(), value: Buffer.from(first.value).toString() }, { key: 'k', createRevision: 2, modRevision: 2, version: 1, value: 'value at 2', lease: '7' });
  t.equal(first.value.buffer, value.buffer, 'the value is a view of the bytes it was given');
  t.equal(first.value.byteOffset, value.byteOffset);
  t.equal(history.get({ main: 3, sub: 0 }).value.byteLength, 0);
  const columns = history.ordered();
  t.same(columns.valueSizes, [10, 0]);
  t.equal(columns.find(3, 0), 1);
  t.equal(columns.find(3, 1), -1);
  t.equal(columns.find(4, 0), -1);
  t.equal(columns.firstAtOrAfter(1), 0);
  t.equal(columns.firstAtOrAfter(4), 2);
});

t.test('the value slab copies small values into shared buffers and large ones alone', async (t) => {
  const slab = new ValueSlab();
  const source = Buffer.from('hello');
  const a = slab.copy(source);
  const b = slab.copy(Buffer.from('world!'));
  source.fill(0);
  t.equal(Buffer.from(a).toString(), 'hello', 'a copy, not a view of the caller’s bytes');
  t.equal(Buffer.from(b).toString(), 'world!');
  t.equal(a.buffer, b.buffer, 'small values share a slab');
  t.equal(b.byteOffset, a.byteOffset + a.byteLength);
  const large = slab.copy(new Uint8Array(4096).fill(7));
  t.equal(large.byteOffset, 0);
  t.equal(large.buffer.byteLength, 4096, 'a large value gets its own buffer');
  t.equal(slab.copy(new Uint8Array(0)).byteLength, 0);
  // Filling past a slab's end starts a new one; earlier copies stay intact.
  const copies = Array.from({ length: 40 }, (_, i) => slab.copy(new Uint8Array(1000).fill(i)));
  t.ok(new Set(copies.map((c) => c.buffer)).size > 1, 'more than one slab');
  t.ok(copies.every((c, i) => c.byteLength === 1000 && c.every((byte) => byte === i)));
});
