import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Level } from 'level';
import { LevelDurableLog } from '../../src/storage/level-durable-log.js';
import { LevelWalPreallocator, WRITE_BATCH_HEADER_BYTES, batchOpBytes, logBytesBound } from '../../src/storage/level-wal-preallocator.js';
import type { Entry } from '../../src/raft/types.js';
import { hardState, snapshot, tempDir } from './fixtures/test-data.js';

function newestLog(location: string): { name: string; size: number } {
  const names = readdirSync(location).filter((name) => /^\d+\.log$/.test(name)).sort();
  const name = names[names.length - 1];
  if (name === undefined) throw new Error(`no log in ${location}`);
  return { name, size: statSync(join(location, name)).size };
}

function sizedEntry(index: number, term: number, bytes: number): Entry {
  return { index, term, type: 'normal', data: randomBytes(bytes) };
}

t.test('logBytesBound is never below what LevelDB adds to its log, wherever a batch starts in a block', async (t) => {
  const location = join(await tempDir(t), 'raw');
  const db = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  t.teardown(() => db.close());
  // Sizes around the 32 KiB block and its 7-byte header, small and large, puts and deletes.
  const valueSizes = [0, 1, 6, 7, 100, 400, 32741, 32742, 32755, 32761, 32768, 65530, 100_000, 300_000];
  let worstSlack = Infinity;
  for (let round = 0; round < 3; round += 1) {
    for (const valueBytes of valueSizes) {
      const key = randomBytes(1 + (valueBytes % 40));
      const ops = [
        { type: 'put' as const, key, value: randomBytes(valueBytes) },
        { type: 'del' as const, key: randomBytes(10) },
      ];
      const rep = WRITE_BATCH_HEADER_BYTES + batchOpBytes(key.byteLength, valueBytes) + batchOpBytes(10, undefined);
      const before = newestLog(location);
      await db.batch(ops, { sync: false });
      const after = newestLog(location);
      if (after.name !== before.name) continue; // LevelDB moved to a new file: nothing to compare
      const added = after.size - before.size;
      t.ok(added <= logBytesBound(rep), `batch of ${rep} bytes at offset ${before.size} added ${added} > bound ${logBytesBound(rep)}`);
      t.ok(added >= rep, 'the log holds at least the batch itself');
      worstSlack = Math.min(worstSlack, logBytesBound(rep) - added);
    }
  }
  t.ok(worstSlack >= 0 && worstSlack < 64, `the bound is tight (least slack ${worstSlack} bytes)`);
});

t.test('LevelDB writes its log at its own offset, not at the end of the file (no O_APPEND)', async (t) => {
  const location = join(await tempDir(t), 'raw');
  const db = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  await db.put(Uint8Array.of(1), randomBytes(100), { sync: true });
  const log = newestLog(location);
  const extended = log.size + 100_000;
  appendFileSync(join(location, log.name), Buffer.alloc(extended - log.size));
  await db.put(Uint8Array.of(2), randomBytes(100), { sync: true });
  t.equal(newestLog(location).size, extended, 'the write landed inside the zeros: the file did not grow');
  await db.close();
  const reopened = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
  await reopened.open();
  t.teardown(() => reopened.close());
  t.ok(await reopened.get(Uint8Array.of(1)), 'the first record recovers');
  t.ok(await reopened.get(Uint8Array.of(2)), 'the record written over zeros recovers past the zero tail');
});

t.test('a LevelDurableLog writes over zeros, across LevelDB log files, and recovers everything', async (t) => {
  const location = join(await tempDir(t), 'log');
  // Small steps so that many extensions, waits and a change of log file all happen.
  const options = { location, walPreallocation: { stepBytes: 16 * 1024, lowWaterBytes: 8 * 1024, leadBytes: 1024, checkEveryBytes: 4096 } };
  const log = new LevelDurableLog(options);
  await log.open();
  const firstLog = log.walPreallocation()?.logNumber;
  t.type(firstLog, 'number', 'the preallocator took the log LevelDB opened');
  const written: Entry[] = [];
  let index = 1;
  // About 6 MB: past LevelDB's 4 MB write buffer, so it starts a new log file.
  while (index <= 3000) {
    const batch: Entry[] = [];
    for (let n = 0; n < 1 + (index % 5); n += 1) batch.push(sizedEntry(index + n, 1, 200 + ((index * 37) % 3800)));
    index += batch.length;
    written.push(...batch);
    await log.save({ entries: batch, hardState: hardState(1, 'p1', index - 1) });
  }
  // A snapshot (its image in chunk records) and the sweep of the entries it covers.
  const image = randomBytes(300_000);
  await log.save({ snapshot: snapshot(1000, 1, image) });
  await log.compact(1000);
  const stats = log.walPreallocation();
  t.equal(stats?.failure, undefined, 'no extension failed');
  t.ok((stats?.bytesZeroed ?? 0) > 1024 * 1024, `zeros were written ahead (${stats?.bytesZeroed} bytes)`);
  t.ok((stats?.logNumber ?? 0) > (firstLog ?? Infinity), `it followed LevelDB to a new log file (${firstLog} → ${stats?.logNumber})`);
  const tracked = newestLog(location);
  await log.close();

  const reopened = new LevelDurableLog({ location, walPreallocation: false });
  const state = await reopened.open();
  t.teardown(() => reopened.close());
  t.ok(tracked.size > 0, 'the newest log holds data');
  t.equal(state.snapshot?.meta.index, 1000);
  t.same(Buffer.from(state.snapshot?.data ?? []), Buffer.from(image), 'the snapshot image is intact');
  const kept = written.filter((entry) => entry.index > 1000);
  t.equal(state.entries.length, kept.length, 'every entry after the snapshot is recovered');
  const mismatched = state.entries.findIndex((entry, i) => !Buffer.from(entry.data).equals(Buffer.from(kept[i]?.data ?? [])));
  t.equal(mismatched, -1, 'byte for byte');
  t.equal(state.hardState.commit, index - 1);
});

t.test('a sweep is bounded by the entries on disk: a snapshot installed on an empty log moves no zeros far ahead', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location });
  await log.open();
  // A new peer's first save: a leader's snapshot at a high index, with no entry on disk.
  await log.save({ snapshot: snapshot(1_000_000, 3), hardState: hardState(3, 'p1', 1_000_000) });
  await log.compact(1_000_000);
  await log.save({ entries: [sizedEntry(1_000_001, 3, 100)], hardState: hardState(3, 'p1', 1_000_001) });
  await log.close();
  // Counting every index up to the snapshot would have bounded the sweep at 12 MB of
  // deletes and put the zeros past that.
  const size = newestLog(location).size;
  t.ok(size < 2 * 1024 * 1024, `the log is ${size} bytes`);
  const reopened = new LevelDurableLog({ location });
  const state = await reopened.open();
  t.teardown(() => reopened.close());
  t.same(state.entries.map((entry) => entry.index), [1_000_001]);
});

t.test('a zero tail is what LevelDB recovers past: the log on disk is longer than its data', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location });
  await log.open();
  await log.save({ entries: [sizedEntry(1, 1, 100)], hardState: hardState(1, 'p1', 1) });
  // The first extension starts after leadBytes (64 KiB) and writes 1 MiB.
  await waitFor(() => (log.walPreallocation()?.bytesZeroed ?? 0) > 0);
  t.ok(newestLog(location).size > 1024 * 1024, 'the file was extended with zeros');
  await log.save({ entries: [sizedEntry(2, 1, 100)], hardState: hardState(1, 'p1', 2) });
  await log.close();
  const reopened = new LevelDurableLog({ location });
  const state = await reopened.open();
  t.teardown(() => reopened.close());
  t.same(state.entries.map((entry) => entry.index), [1, 2]);
});

t.test('a write that would reach the extension in flight waits for it', async (t) => {
  const location = await tempDir(t);
  writeFileSync(join(location, '000004.log'), Buffer.alloc(100, 1));
  const wal = LevelWalPreallocator.start(location, { stepBytes: 4096, lowWaterBytes: 1024, leadBytes: 512, checkEveryBytes: 1 << 30 });
  t.teardown(() => wal.close());
  // Anchored at 100; the first extension zeroes [612, 4708).
  t.equal(wal.admit(500), undefined, 'a write ending below the extension goes at once');
  const wait = wal.admit(100);
  t.ok(wait instanceof Promise, 'one that would cross it waits');
  await wait;
  t.equal(statSync(join(location, '000004.log')).size, 612 + 4096, 'the zeros are there before it goes');
  t.equal(wal.admit(100), undefined, 'asked again, it goes');
  wal.settle();
  wal.settle();
  t.equal(wal.stats().bytesZeroed, 4096);
});

t.test('a newer log file is taken over only with no write in flight', async (t) => {
  const location = await tempDir(t);
  writeFileSync(join(location, '000004.log'), Buffer.alloc(10));
  const wal = LevelWalPreallocator.start(location, { stepBytes: 4096, lowWaterBytes: 0, leadBytes: 1000, checkEveryBytes: 100 });
  t.teardown(() => wal.close());
  t.equal(wal.stats().logNumber, 4);
  writeFileSync(join(location, '000009.log'), Buffer.alloc(50));
  t.equal(wal.admit(60), undefined);
  t.equal(wal.admit(60), undefined);
  wal.settle();
  t.equal(wal.stats().logNumber, 4, 'a write is still in flight');
  wal.settle();
  t.equal(wal.stats().logNumber, 9, 'listed again once none is');
});

t.test('a failed extension stops preallocation; writes then never wait', async (t) => {
  const location = await tempDir(t);
  writeFileSync(join(location, '000004.log'), Buffer.alloc(10));
  const wal = LevelWalPreallocator.start(location, { stepBytes: 4096, lowWaterBytes: 0, leadBytes: 0, checkEveryBytes: 1 << 30 });
  await wal.admit(10_000); // waits for the first extension
  rmSync(join(location, '000004.log')); // the file it tracks is gone: not an old file LevelDB dropped
  t.equal(wal.admit(10_000), undefined, 'past the zeros, a write goes and the next extension starts');
  await waitFor(() => wal.stats().failure !== undefined);
  t.match(wal.stats().failure, { code: 'ENOENT' });
  t.equal(wal.stats().logNumber, undefined);
  t.equal(wal.admit(1 << 30), undefined, 'no wait once stopped');
  wal.settle();
  wal.settle();
  await wal.close();
});

t.test('options are checked', async (t) => {
  const location = await tempDir(t);
  t.throws(() => LevelWalPreallocator.start(location, { stepBytes: 0 }), /stepBytes/);
  t.throws(() => LevelWalPreallocator.start(location, { stepBytes: 10, lowWaterBytes: 11 }), /lowWaterBytes/);
  t.throws(() => LevelWalPreallocator.start(location, { leadBytes: -1 }), /leadBytes/);
  t.throws(() => LevelWalPreallocator.start(location, { checkEveryBytes: 0 }), /checkEveryBytes/);
  const empty = LevelWalPreallocator.start(location);
  t.equal(empty.stats().logNumber, undefined, 'no log file yet: nothing tracked');
  t.throws(() => empty.settle(), /settle/);
  await empty.close();
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}
