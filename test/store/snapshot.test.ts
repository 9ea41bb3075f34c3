import t from 'tap';
import { Packr } from 'msgpackr';
import { decodeSnapshot } from '../../src/store/snapshot.js';
import type { WatchResponse } from '../../src/store/requests.js';
import { b, keysOf, kvText, newStore, put, s } from './fixtures/helpers.js';
import { snapshotInSlices } from './fixtures/sliced-snapshot.js';
import type { StoreStateMachine } from '../../src/store/state-machine.js';

function populate(store: StoreStateMachine): void {
  store.apply({ type: 'leaseGrant', request: { id: '5', ttl: 30 }, nowMs: 1_000 });
  store.apply({ type: 'leaseGrant', request: { ttl: 30 }, nowMs: 1_000 });
  for (let i = 0; i < 20; i++) put(store, `k${i % 4}`, `v${i}`, i % 3 === 0 ? '5' : undefined);
  store.kv.deleteRange({ key: b('k2') });
  store.apply({ type: 'compact', request: { revision: 12 } });
  put(store, 'k\x00\xff', 'binary');
}

t.test('snapshot and restore give back the same state, bytes and hash', async (t) => {
  const original = newStore();
  populate(original);
  const bytes = original.snapshot();
  const copy = newStore();
  copy.restore(bytes);
  t.same(Buffer.from(copy.snapshot()), Buffer.from(bytes));
  t.equal(copy.hash(), original.hash());
  t.equal(copy.revision, original.revision);
  t.equal(copy.compactRevision, 12);
  t.same(copy.hashKv(15), original.hashKv(15));
  t.equal(kvText(copy.range({ key: b('k1'), revision: 12 }).kvs[0]), kvText(original.range({ key: b('k1'), revision: 12 }).kvs[0]));
  t.same(copy.leaseTimeToLive({ id: '5', keys: true }, 1_000), original.leaseTimeToLive({ id: '5', keys: true }, 1_000));
  t.same(keysOf(copy.range({ key: b('k'), rangeEnd: b('l') }).kvs), ['k\x00\xff', 'k0', 'k1', 'k3']);
  // Both continue identically.
  for (const store of [original, copy]) {
    store.apply({ type: 'leaseRevoke', request: { id: '5' } });
    store.apply({ type: 'leaseGrant', request: { ttl: 30 }, nowMs: 2_000 });
    put(store, 'after', 'x');
  }
  t.equal(copy.hash(), original.hash());
});

t.test('hashes differ when state differs', async (t) => {
  const one = newStore();
  const two = newStore();
  put(one, 'a', '1');
  put(two, 'a', '2');
  t.not(one.hash(), two.hash());
  t.not(one.hashKv().hash, two.hashKv().hash);
  t.equal(one.hashKv(1).hash, two.hashKv(1).hash, 'equal up to the revision where they agree');
});

t.test('restoring in place moves watchers onto the new history', async (t) => {
  const leader = newStore();
  const follower = newStore();
  const responses: WatchResponse[] = [];
  const { watchId } = follower.watch({ key: b('k'), rangeEnd: b('l'), startRevision: 1 }, (response) => {
    responses.push(response);
  });
  follower.watches.resume(watchId);
  for (let i = 0; i < 5; i++) put(leader, `k${i}`, `${i}`);
  follower.restore(leader.snapshot());
  put(follower, 'k9', 'live');
  const events = responses.flatMap((response) => response.events.map((event) => `${event.kv.modRevision}:${s(event.kv.key)}`));
  t.same(events, ['2:k0', '3:k1', '4:k2', '5:k3', '6:k4', '7:k9']);
});

t.test('corrupt snapshots are refused with a coded error', async (t) => {
  t.throws(() => decodeSnapshot(new Uint8Array([0xc1])), { code: 'STORE_SNAPSHOT_INVALID' });
  const store = newStore();
  t.throws(() => store.restore(new Uint8Array(Buffer.from('not msgpack at all'))), { code: 'STORE_SNAPSHOT_INVALID' });
  const { Packr } = await import('msgpackr');
  const packr = new Packr({ useRecords: false });
  const bad = packr.pack({ format: 'raftplane-store/1', revision: 3, compactRevision: 0, entries: [[2, 0, true, b('k'), b(''), 0, 0, '0']], leases: [], leaseIdNext: '1' });
  t.throws(() => store.restore(bad), { code: 'STORE_SNAPSHOT_INVALID' }, 'a tombstone with nothing before it');
  const image = (tombstone: boolean, version: number) =>
    packr.pack({ format: 'raftplane-store/1', revision: 3, compactRevision: 0, entries: [[2, 0, false, b('k'), b('v'), 2, 1, '0'], [3, 0, tombstone, b('k'), b(''), 0, version, '0']], leases: [], leaseIdNext: '1' });
  t.throws(() => store.restore(image(true, 2)), { code: 'STORE_SNAPSHOT_INVALID', message: /a tombstone has version 0/ }, 'a tombstone with a version');
  t.throws(() => store.restore(image(false, 0)), { code: 'STORE_SNAPSHOT_INVALID' }, 'a live value with version 0');
  store.restore(image(true, 0));
  t.equal(store.revision, 3, 'the same image with a proper tombstone restores');
  t.same(store.range({ key: b('k') }).kvs, []);
  store.restore(newStore().snapshot());
  t.equal(store.revision, 1, 'a refused snapshot changes nothing');
});

t.test('a snapshot encoded in slices has the same bytes and is the state at the moment it was asked for', async (t) => {
  const canonical = new Packr({ useRecords: false, moreTypes: false });
  for (const puts of [0, 5, 14, 15, 16, 3000]) {
    const store = newStore();
    for (let i = 0; i < puts; i++) put(store, `k${i % 7}`, `v${i}`);
    const bytes = store.snapshot();
    t.same(Buffer.from(await snapshotInSlices(store)), Buffer.from(bytes), `${puts} puts: same bytes`);
    // The smallest encoding of the same data (what earlier images were) decodes to the same state.
    const smallest = canonical.pack(canonical.unpack(bytes));
    t.same(canonical.unpack(smallest), canonical.unpack(bytes), `${puts} puts: msgpack reads it as plain data`);
    const restored = newStore();
    restored.restore(smallest);
    t.same(Buffer.from(restored.snapshot()), Buffer.from(bytes), `${puts} puts: an image in the smallest encoding restores the same state`);
  }
  const store = newStore();
  populate(store);
  for (let i = 0; i < 5000; i++) put(store, `bulk${i % 50}`, `v${i}`);
  const expected = store.snapshot();
  const later = snapshotInSlices(store);
  // The store goes on while the image is encoded.
  store.apply({ type: 'leaseRevoke', request: { id: '5' } });
  for (let i = 0; i < 100; i++) put(store, `more${i}`, 'x');
  store.apply({ type: 'compact', request: { revision: store.revision - 10 } });
  t.same(Buffer.from(await later), Buffer.from(expected), 'changes made after the call are not in the image');
});

t.test('more than 65,535 history entries use the long array header', async (t) => {
  const store = newStore();
  for (let i = 0; i < 70_000; i++) put(store, `k${i % 100}`, 'v');
  const copy = newStore();
  copy.restore(await snapshotInSlices(store));
  t.equal(copy.hash(), store.hash());
});

t.test('each image taken in slices continues the previous one and still has the bytes of a full encoding', async (t) => {
  const store = newStore();
  const same = async (what: string): Promise<void> => {
    t.same(Buffer.from(await snapshotInSlices(store)), Buffer.from(store.snapshot()), what);
  };
  await same('empty store');
  for (let i = 0; i < 14; i++) put(store, `k${i % 5}`, `v${i}`);
  await same('14 entries (a short array header)');
  for (let i = 0; i < 10; i++) put(store, `k${i % 5}`, `w${i}`);
  store.kv.deleteRange({ key: b('k1') });
  await same('past 16 entries (a longer array header), with a tombstone');
  await same('nothing new since the last image');
  store.apply({ type: 'compact', request: { revision: store.revision - 3 } });
  await same('after a compaction');
  store.apply({ type: 'leaseGrant', request: { id: '9', ttl: 30 }, nowMs: 1_000 });
  put(store, 'leased', 'x', '9');
  await same('after a lease');
  const other = newStore();
  for (let i = 0; i < 30; i++) put(other, `o${i % 3}`, `${i}`);
  store.restore(other.snapshot());
  await same('after restoring another history');
  const full = store.snapshot();
  const framed = await snapshotInSlices(store, (length) => Uint8Array.of(0xaa, length % 251));
  t.same(Buffer.from(framed), Buffer.concat([Buffer.of(0xaa, full.byteLength % 251), Buffer.from(full)]), 'a frame of the caller is put before the image, in one buffer');
  put(store, 'o9', 'after the framed image');
  await same('continuing from the framed image');
});

t.test('the history starts at the same offset in every image, whatever size its counters reach', async (t) => {
  const { captureSnapshot, encodeSnapshotParts } = await import('../../src/store/snapshot.js');
  const entriesStart = async (store: StoreStateMachine): Promise<number> => (await encodeSnapshotParts(captureSnapshot(store.kv.state, [], '1'))).entriesStart;
  const small = newStore();
  for (let i = 0; i < 3; i++) put(small, 'k', `v${i}`);
  const large = newStore();
  for (let i = 0; i < 70_000; i++) put(large, 'k', `v${i}`); // revision past 65,536: msgpack's next size class
  large.apply({ type: 'compact', request: { revision: large.revision - 20 } }); // and so is the compact revision
  const offsets = [await entriesStart(small), await entriesStart(large)];
  t.equal(offsets[0], offsets[1], `entries at byte ${offsets[0]} in both`);
  const many = newStore();
  for (let i = 0; i < 70_000; i++) put(many, `k${i}`, 'v'); // 70,000 entries: a longer array header
  t.equal(await entriesStart(many), offsets[0], 'and with more entries than a 16-bit count');
});

t.test('encoded history is reused while the history continues, and not after a compaction', async (t) => {
  const { captureSnapshot } = await import('../../src/store/snapshot.js');
  const { encodeSnapshotInSlices } = await import('./fixtures/sliced-snapshot.js');
  const store = newStore();
  for (let i = 0; i < 40; i++) put(store, `k${i % 4}`, `v${i}`);
  const view = () => captureSnapshot(store.kv.state, [], '1');
  const first = await encodeSnapshotInSlices(view());
  const encodedBefore = first.history.count;
  const partsBefore = first.history.partsThrough(encodedBefore);
  put(store, 'k9', 'new');
  const next = await encodeSnapshotInSlices(view(), first.history);
  t.equal(next.history, first.history, 'the same encoded history, extended');
  t.equal(next.history.count, encodedBefore + 1);
  t.ok(
    next.history.partsThrough(encodedBefore).every((part, i) => part === partsBefore[i]),
    'the earlier entries were not encoded again: the image reuses their parts',
  );
  // The reused parts are most of the image: they are copied a slice per turn, not in one go.
  let turns = 0;
  let counting = true;
  const tick = (): void => {
    if (!counting) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const sliced = await encodeSnapshotInSlices(view(), next.history, undefined, 1000, 64);
  counting = false;
  t.ok(next.image.byteLength > 4 * 64, 'the image spans several slices');
  t.same(Buffer.from(sliced.image), Buffer.from(next.image), 'the same bytes, 64 per turn');
  t.ok(turns >= Math.floor(sliced.image.byteLength / 64) - 1, `${turns} turns for ${sliced.image.byteLength} bytes`);
  store.apply({ type: 'compact', request: { revision: 5 } });
  const compacted = await encodeSnapshotInSlices(view(), next.history);
  t.not(compacted.history, next.history, 'after a compaction everything is encoded afresh');
  t.same(Buffer.from(compacted.image), Buffer.from((await encodeSnapshotInSlices(view())).image));
  const smallSlices = await encodeSnapshotInSlices(view(), undefined, undefined, 7, 64);
  t.same(Buffer.from(smallSlices.buffer), Buffer.from(store.snapshot()), 'assembled 64 bytes per turn: the same bytes');
});

t.test('encoding ahead between snapshots gives the same images', async (t) => {
  const store = newStore();
  const same = async (what: string): Promise<void> => {
    t.same(Buffer.from(await snapshotInSlices(store)), Buffer.from(store.snapshot()), what);
  };
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 700; i++) {
      put(store, `k${i % 50}`, `r${round}v${i}`);
      if (i % 97 === 0) store.encodeAhead(300, 1);
    }
    store.encodeAhead();
    await same(`round ${round}`);
    await snapshotInSlices(store);
  }
  store.apply({ type: 'compact', request: { revision: store.revision - 100 } });
  store.encodeAhead(50, 1);
  await same('after a compaction, partly encoded ahead');
  const other = newStore();
  for (let i = 0; i < 30; i++) put(other, `o${i % 3}`, `${i}`);
  store.restore(other.snapshot());
  store.encodeAhead(10, 1);
  put(store, 'o9', 'x');
  await same('after a restore');
});

t.test('an image as parts has the bytes of a full encoding, and the next one shares its history parts', async (t) => {
  const store = newStore();
  populate(store);
  const join = (parts: readonly Uint8Array[]): Buffer => Buffer.concat(parts.map((part) => Buffer.from(part)));
  const first = await store.snapshotParts((length) => Uint8Array.of(0xaa, length % 251));
  const full = store.snapshot();
  t.same(join(first.parts), Buffer.concat([Buffer.of(0xaa, full.byteLength % 251), Buffer.from(full)]), 'frame, then the image');
  t.equal(first.byteLength, full.byteLength + 2);
  for (let i = 0; i < 50; i++) put(store, `n${i % 5}`, `later-${i}`);
  store.encodeAhead(20, 1);
  const second = await store.snapshotParts();
  t.same(join(second.parts), Buffer.from(store.snapshot()), 'the next image: the same bytes as a full encoding');
  const shared = first.parts.filter((part) => second.parts.includes(part));
  t.ok(shared.length >= 1 && shared.reduce((sum, part) => sum + part.byteLength, 0) > 0, `${shared.length} history parts are the same objects in both images`);
  store.apply({ type: 'compact', request: { revision: store.revision - 10 } });
  const compacted = await store.snapshotParts();
  t.same(join(compacted.parts), Buffer.from(store.snapshot()), 'after a compaction');
  t.equal(compacted.parts.filter((part) => second.parts.includes(part) && part.byteLength > 8).length, 0, 'nothing large shared after a compaction');
});
