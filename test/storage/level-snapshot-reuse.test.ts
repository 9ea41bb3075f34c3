import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Level } from 'level';
import { LevelDurableLog } from '../../src/storage/level-durable-log.js';
import { CHUNK_RANGE, FORMAT_KEY, MANIFEST_KEY, chunkKey, entryKey, keyName } from '../../src/storage/level-keys.js';
import { encodeEntry } from '../../src/storage/entry-codec.js';
import { encodeJson } from '../../src/storage/meta-codec.js';
import { openRecord, sealRecord } from '../../src/storage/record-codec.js';
import { crc32 } from 'node:zlib';
import { entries, hardState, snapshot, tempDir } from './fixtures/test-data.js';

type RawDb = Level<Uint8Array, Uint8Array>;
const CHUNK = 100;

/** An image whose every byte depends on its position: equal prefixes, equal chunks. */
function image(bytes: number, salt = 0): Uint8Array {
  return new Uint8Array(bytes).map((_, i) => (i * 7 + salt + (i >> 8)) & 0xff);
}

async function withRaw<T>(location: string, use: (db: RawDb) => Promise<T>): Promise<T> {
  const raw: RawDb = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  try {
    return await use(raw);
  } finally {
    await raw.close();
  }
}

async function chunkNames(location: string): Promise<string[]> {
  return withRaw(location, async (db) => {
    const names: string[] = [];
    for await (const key of db.keys(CHUNK_RANGE)) names.push(keyName(key));
    return names;
  });
}

async function reopen(t: Test, location: string) {
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  t.teardown(() => log.close());
  return log.open();
}

t.test('a snapshot that continues the previous image writes only the chunks that changed', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK, snapshotBatchBytes: 10 * CHUNK });
  await log.open();
  const first = image(1000);
  await log.save({ snapshot: snapshot(5, 1, first) });
  const before = log.stats().bytesWritten;
  // Same first 950 bytes; the tail grows to 2,050. Chunks 0..8 are unchanged, 9..20 are new.
  const second = new Uint8Array(2050);
  second.set(first.subarray(0, 950));
  second.set(image(1100, 3), 950);
  await log.save({ snapshot: snapshot(9, 1, second) });
  const written = log.stats().bytesWritten - before;
  t.ok(written < 13 * (CHUNK + 10) + 1000 && written >= 12 * CHUNK, `wrote ${written} bytes: 12 chunks and the manifest, not 21 chunks`);
  t.equal(log.stats().snapshotBytesShared, 9 * CHUNK, 'the nine borrowed chunks are counted as shared');
  t.ok(log.stats().snapshotBytesWritten >= 22 * CHUNK && log.stats().snapshotBytesWritten < 22 * (CHUNK + 10), '10 + 12 chunk records written in all');
  await log.close();
  const names = await chunkNames(location);
  t.equal(names.length, 21, 'one record per chunk of the live image');
  t.same(names.filter((name) => name.startsWith('c/1/')).length, 9, 'nine borrowed from the first snapshot');
  const state = await reopen(t, location);
  t.equal(state.snapshot?.meta.index, 9);
  t.ok(Buffer.from(state.snapshot?.data ?? []).equals(second), 'the image reads back byte for byte');
});

t.test('records are borrowed through a chain of snapshots and freed when no manifest names them', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  await log.open();
  const full = image(3000);
  await log.save({ snapshot: snapshot(3, 1, full.subarray(0, 1000)) });
  await log.save({ snapshot: snapshot(6, 1, full.subarray(0, 2000)) });
  await log.save({ snapshot: snapshot(9, 1, full) });
  await log.close();
  const names = await chunkNames(location);
  t.equal(names.length, 30);
  t.same(
    [1, 2, 3].map((id) => names.filter((name) => name.startsWith(`c/${id}/`)).length),
    [10, 10, 10],
    'each snapshot wrote only what it added, and the last one names all 30',
  );
  const state = await reopen(t, location);
  t.ok(Buffer.from(state.snapshot?.data ?? []).equals(full));
});

t.test('a shorter, different image frees every record the old one held', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  await log.open();
  await log.save({ snapshot: snapshot(3, 1, image(1000)) });
  await log.save({ snapshot: snapshot(6, 1, image(2000).subarray(0, 1500)) });
  await log.save({ snapshot: snapshot(9, 2, image(450, 1)) });
  await log.close();
  t.same(await chunkNames(location), ['c/3/0', 'c/3/1', 'c/3/2', 'c/3/3', 'c/3/4']);
  const state = await reopen(t, location);
  t.ok(Buffer.from(state.snapshot?.data ?? []).equals(image(450, 1)));
});

t.test('a chunk record from another image under a borrowed key is STORAGE_CORRUPT', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  await log.open();
  await log.save({ snapshot: snapshot(3, 1, image(1000)) });
  await log.save({ snapshot: snapshot(6, 1, image(1500)) });
  await log.close();
  // A valid record (it passes its own checksum) with other bytes, under a key the manifest names.
  await withRaw(location, (db) => db.put(chunkKey(1, 4), sealRecord(chunkKey(1, 4), image(CHUNK, 9))));
  const reopened = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  t.teardown(() => reopened.close());
  await t.rejects(reopened.open(), { code: 'STORAGE_CORRUPT', details: { key: 'c/1/4' }, message: /not the one snapshot 2 names/ });
});

t.test('a staged image whose borrowed records were freed meanwhile is cut again at commit', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  await log.open();
  await log.save({ entries: entries(1, 20, 1), hardState: hardState(1, '', 20) });
  const base = image(1000);
  await log.save({ snapshot: snapshot(5, 1, base) });
  const own = snapshot(15, 1, image(1200)); // borrows chunks 0..9 from snapshot 1
  await log.stageSnapshot(own);
  await log.save({ snapshot: snapshot(10, 1, image(800, 5)) }); // from a leader: frees snapshot 1's records
  await log.save({ snapshot: own });
  await log.close();
  const state = await reopen(t, location);
  t.equal(state.snapshot?.meta.index, 15);
  t.ok(Buffer.from(state.snapshot?.data ?? []).equals(own.data), 'the image is whole: nothing it names was freed');
});

t.test('a format 1 store is read, upgraded, and its chunks replaced by the next snapshot', async (t) => {
  const location = join(await tempDir(t), 'log');
  const old = image(250);
  const confState = snapshot(1, 1).meta.confState;
  await withRaw(location, async (db) => {
    await db.put(FORMAT_KEY, sealRecord(FORMAT_KEY, Uint8Array.of(1)));
    const manifest = { snapshotId: 4, index: 5, term: 1, confState, chunkCount: 3, dataBytes: 250, dataCrc32: crc32(old) };
    await db.put(MANIFEST_KEY, sealRecord(MANIFEST_KEY, encodeJson(manifest)));
    for (let n = 0; n < 3; n += 1) await db.put(chunkKey(4, n), sealRecord(chunkKey(4, n), old.subarray(n * CHUNK, (n + 1) * CHUNK)));
    for (const entry of entries(6, 8, 1)) await db.put(entryKey(entry.index), sealRecord(entryKey(entry.index), encodeEntry(entry)));
  });
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  const state = await log.open();
  t.equal(state.snapshot?.meta.index, 5);
  t.ok(Buffer.from(state.snapshot?.data ?? []).equals(old));
  t.equal(state.entries.length, 3);
  await log.save({ snapshot: snapshot(8, 1, image(300)) });
  await log.close();
  t.same(await chunkNames(location), ['c/5/0', 'c/5/1', 'c/5/2'], 'nothing borrowed from a format 1 image; its records freed');
  const format = await withRaw(location, async (db) => openRecord(FORMAT_KEY, (await db.get(FORMAT_KEY))!, 'm/format'));
  t.same([...format], [2]);

  // A format 1 image that fails its whole-image checksum is refused.
  const damaged = join(await tempDir(t), 'log');
  await withRaw(damaged, async (db) => {
    await db.put(FORMAT_KEY, sealRecord(FORMAT_KEY, Uint8Array.of(1)));
    const manifest = { snapshotId: 1, index: 5, term: 1, confState, chunkCount: 1, dataBytes: 10, dataCrc32: 1 };
    await db.put(MANIFEST_KEY, sealRecord(MANIFEST_KEY, encodeJson(manifest)));
    await db.put(chunkKey(1, 0), sealRecord(chunkKey(1, 0), image(10)));
  });
  const refusing = new LevelDurableLog({ location: damaged });
  t.teardown(() => refusing.close());
  await t.rejects(refusing.open(), { code: 'STORAGE_CORRUPT', message: /fails its checksum/ });
});

t.test('an unknown store format is refused', async (t) => {
  const location = join(await tempDir(t), 'log');
  await withRaw(location, (db) => db.put(FORMAT_KEY, sealRecord(FORMAT_KEY, Uint8Array.of(3))));
  const log = new LevelDurableLog({ location });
  t.teardown(() => log.close());
  await t.rejects(log.open(), { code: 'STORAGE_CORRUPT', message: /unsupported format 3/ });
});

t.test('a manifest whose chunk has the wrong length does not reassemble', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  await log.open();
  await log.save({ snapshot: snapshot(3, 1, image(250)) });
  await log.close();
  await withRaw(location, async (db) => {
    const body = openRecord(MANIFEST_KEY, (await db.get(MANIFEST_KEY))!, 'm/snapshot');
    const manifest = JSON.parse(new TextDecoder().decode(body)) as { dataBytes: number; chunks: unknown[] };
    manifest.dataBytes = 260; // still three chunks, but the last should hold 60 bytes
    await db.put(MANIFEST_KEY, sealRecord(MANIFEST_KEY, encodeJson(manifest)));
  });
  const reopened = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  t.teardown(() => reopened.close());
  await t.rejects(reopened.open(), { code: 'STORAGE_CORRUPT', message: /does not reassemble/ });
});

t.test('an image staged as parts is written without snapshot.data, and its parts are compared next time', async (t) => {
  const { PartedImage } = await import('../../src/storage/parted-image.js');
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location, snapshotChunkBytes: CHUNK });
  await log.open();
  const history = image(2000);
  const lazy = (index: number, parts: Uint8Array[]) => ({
    meta: snapshot(index, 1).meta,
    get data(): Uint8Array {
      throw new Error('snapshot.data read');
    },
    parts,
  });
  const first = lazy(3, [Uint8Array.of(7, 7, 7), history.subarray(0, 1200)]);
  await log.stageSnapshot(first, new PartedImage(first.parts));
  await log.save({ snapshot: first });
  const written = log.stats().snapshotBytesWritten;
  const second = lazy(6, [Uint8Array.of(7, 7, 8), history.subarray(0, 1200), history.subarray(1200)]);
  await log.stageSnapshot(second, new PartedImage(second.parts));
  await log.save({ snapshot: second });
  t.equal(log.stats().snapshotBytesShared, 11 * CHUNK, 'chunks 1..11 lie in the shared part: not written again');
  t.ok(log.stats().snapshotBytesWritten - written < 10 * (CHUNK + 10), 'chunk 0 and chunks 12..20 written');
  await log.close();
  const state = await reopen(t, location);
  t.same([...(state.snapshot?.data ?? [])], [...Buffer.concat([Buffer.of(7, 7, 8), Buffer.from(history)])], 'read back: the parts joined');
});
