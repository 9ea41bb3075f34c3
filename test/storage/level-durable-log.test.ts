import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Level } from 'level';
import { LevelDurableLog } from '../../src/storage/level-durable-log.js';
import { entryKey, HARD_STATE_KEY, CHUNK_RANGE, ENTRY_RANGE } from '../../src/storage/level-keys.js';
import { durableLogConformance } from './fixtures/durable-log-conformance.js';
import { entries, hardState, shape, snapshot, tempDir } from './fixtures/test-data.js';

t.test('LevelDurableLog conformance', async (t) => {
  durableLogConformance(t, async (t) => {
    const location = join(await tempDir(t), 'log');
    return (faults) => new LevelDurableLog({ location, ...(faults === undefined ? {} : { faults }) });
  });
});

type RawDb = Level<Uint8Array, Uint8Array>;

/** Writes a log, closes it, and hands the raw database to `damage` before reopening. */
async function openAfterDamage(t: Test, damage: (db: RawDb) => Promise<void>) {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location });
  await log.open();
  await log.save({ entries: entries(1, 5, 1), hardState: hardState(1, 'p1', 3) });
  await log.close();
  const raw: RawDb = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  await damage(raw);
  await raw.close();
  const reopened = new LevelDurableLog({ location });
  t.teardown(() => reopened.close());
  return reopened.open();
}

t.test('a flipped bit in an entry is STORAGE_CORRUPT naming the key', async (t) => {
  const opening = openAfterDamage(t, async (db) => {
    const record = await db.get(entryKey(3));
    t.ok(record);
    const damaged = Uint8Array.from(record ?? []);
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 0x01;
    await db.put(entryKey(3), damaged);
  });
  await t.rejects(opening, { code: 'STORAGE_CORRUPT', details: { key: 'e/3' } });
});

t.test('garbage in the hard state is STORAGE_CORRUPT', async (t) => {
  const opening = openAfterDamage(t, (db) => db.put(HARD_STATE_KEY, new TextEncoder().encode('garbage')));
  await t.rejects(opening, { code: 'STORAGE_CORRUPT', details: { key: 'm/hard-state' } });
});

t.test('a truncated record is STORAGE_CORRUPT', async (t) => {
  const opening = openAfterDamage(t, (db) => db.put(entryKey(2), Uint8Array.of(1, 2)));
  await t.rejects(opening, { code: 'STORAGE_CORRUPT', details: { key: 'e/2' } });
});

t.test('a valid record under the wrong key is STORAGE_CORRUPT (the checksum covers the key)', async (t) => {
  const opening = openAfterDamage(t, async (db) => {
    const record = await db.get(entryKey(2));
    await db.put(entryKey(4), record ?? new Uint8Array());
  });
  await t.rejects(opening, { code: 'STORAGE_CORRUPT', details: { key: 'e/4' } });
});

t.test('a missing entry in the middle of the log is STORAGE_CORRUPT', async (t) => {
  const opening = openAfterDamage(t, (db) => db.del(entryKey(3)));
  await t.rejects(opening, { code: 'STORAGE_CORRUPT', message: /not contiguous at index 3/ });
});

t.test('a lost tail below the commit index is STORAGE_CORRUPT', async (t) => {
  const opening = openAfterDamage(t, async (db) => {
    await db.del(entryKey(5));
    await db.del(entryKey(4));
    await db.del(entryKey(3));
  });
  await t.rejects(opening, { code: 'STORAGE_CORRUPT', message: /commits past the end/ });
});

t.test('large snapshots are stored in chunks and read back whole', async (t) => {
  const location = join(await tempDir(t), 'log');
  const options = { location, snapshotChunkBytes: 64 * 1024, snapshotBatchBytes: 256 * 1024 };
  const log = new LevelDurableLog(options);
  await log.open();
  const image = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
  await log.save({ entries: entries(1, 4, 1), hardState: hardState(1, '', 4) });
  await log.save({ snapshot: snapshot(3, 1, image) });
  t.ok(log.stats().syncedWrites >= 2 + 13, 'chunks went down in several synced batches');
  await log.close();
  const reopened = new LevelDurableLog(options);
  t.teardown(() => reopened.close());
  const state = await reopened.open();
  t.equal(state.snapshot?.data.byteLength, image.byteLength);
  t.ok(Buffer.from(state.snapshot?.data ?? []).equals(image), 'the image is byte-identical');
  t.same(shape(state.entries), ['4/1']);
});

t.test('a crash while writing snapshot chunks leaves the previous snapshot valid', async (t) => {
  const location = join(await tempDir(t), 'log');
  let chunkBatches = 0;
  const faults = {
    beforeWrite: (operation: string) => {
      if (operation === 'snapshot-chunks' && ++chunkBatches === 3) throw new Error('ENOSPC: simulated');
    },
  };
  const options = { location, snapshotChunkBytes: 1024, snapshotBatchBytes: 4096 };
  const log = new LevelDurableLog({ ...options, faults });
  await log.open();
  await log.save({ entries: entries(1, 10, 1), hardState: hardState(1, '', 10) });
  await log.save({ snapshot: snapshot(5, 1, new Uint8Array(2000).fill(7)) });
  await t.rejects(log.save({ snapshot: snapshot(9, 1, new Uint8Array(50_000).fill(9)) }), { code: 'STORAGE_IO' });
  await log.close();

  const reopened = new LevelDurableLog(options);
  t.teardown(() => reopened.close());
  const state = await reopened.open();
  t.equal(state.snapshot?.meta.index, 5, 'the old manifest still rules');
  t.same([...new Set(state.snapshot?.data ?? [])], [7]);
  t.same(shape(state.entries), shape(entries(6, 10, 1)));
  await reopened.close();

  const raw: RawDb = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  let chunkKeys = 0;
  for await (const _ of raw.keys(CHUNK_RANGE)) chunkKeys += 1;
  await raw.close();
  t.equal(chunkKeys, 2, 'only the live snapshot\'s chunks remain; orphans were swept at open');
});

t.test('replacing a snapshot deletes the chunks of the old one', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location, snapshotChunkBytes: 100 });
  await log.open();
  await log.save({ snapshot: snapshot(5, 1, new Uint8Array(1000)) });
  await log.save({ snapshot: snapshot(9, 2, new Uint8Array(250)) });
  await log.close();
  const raw: RawDb = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  let chunkKeys = 0;
  for await (const _ of raw.keys(CHUNK_RANGE)) chunkKeys += 1;
  await raw.close();
  t.equal(chunkKeys, 3);
});

t.test('a staged image that is never committed is swept at open; covered entries are swept after a snapshot', async (t) => {
  const location = join(await tempDir(t), 'log');
  const options = { location, snapshotChunkBytes: 100 };
  const log = new LevelDurableLog(options);
  await log.open();
  await log.save({ entries: entries(1, 50, 1), hardState: hardState(1, '', 50) });
  await log.save({ snapshot: snapshot(40, 1, new Uint8Array(250)) }); // 3 chunks; entries 1..40 covered
  await log.stageSnapshot(snapshot(45, 1, new Uint8Array(1000).fill(1))); // 10 new chunks, never committed
  await log.close();
  const count = async (range: { gte: Uint8Array; lt: Uint8Array }): Promise<number> => {
    const raw: RawDb = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
    await raw.open();
    let keys = 0;
    for await (const _ of raw.keys(range)) keys += 1;
    await raw.close();
    return keys;
  };
  t.equal(await count(CHUNK_RANGE), 13, 'before the next open: the live snapshot and the staged one');
  t.equal(await count(ENTRY_RANGE), 10, 'entries 1..40 were swept after the snapshot committed');
  const reopened = new LevelDurableLog(options);
  const state = await reopened.open();
  await reopened.close();
  t.equal(state.snapshot?.meta.index, 40);
  t.same(shape(state.entries), shape(entries(41, 50, 1)));
  t.equal(await count(CHUNK_RANGE), 3, 'the uncommitted image was swept at open');
});

t.test('a failed LevelDB write (database closed underneath) is STORAGE_IO', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location });
  await log.open();
  // Reach the private handle the way a dying disk would: the store cannot tell.
  await (log as unknown as { db: RawDb }).db.close();
  await t.rejects(log.save({ entries: entries(1, 1, 1) }), { code: 'STORAGE_IO', message: /not open/ });
  await t.rejects(log.save({ entries: entries(1, 1, 1) }), { code: 'STORAGE_IO' });
  await log.close();
});

t.test('a log directory that lost its CURRENT file is refused before LevelDB touches it', async (t) => {
  const { readdir, rm } = await import('node:fs/promises');
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location });
  await log.open();
  await log.save({ entries: entries(1, 5, 1), hardState: hardState(1, 'p1', 3) });
  await log.close();
  await rm(join(location, 'CURRENT'));
  const before = (await readdir(location)).sort();
  const reopened = new LevelDurableLog({ location });
  await t.rejects(reopened.open(), { code: 'STORAGE_CORRUPT', message: /has LevelDB files but no CURRENT file/ });
  await new Promise((resolve) => setTimeout(resolve, 200)); // no Level instance opens itself later
  t.same((await readdir(location)).sort(), before, 'nothing was created or rewritten');
});
