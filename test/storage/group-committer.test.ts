import { join } from 'node:path';
import t from 'tap';
import { GroupCommitter } from '../../src/storage/group-committer.js';
import { LevelDurableLog } from '../../src/storage/level-durable-log.js';
import { MemoryDisk, MemoryDurableLog } from '../../src/storage/memory-durable-log.js';
import type { StorageFaultHooks } from '../../src/storage/durable-log.js';
import { entries, entry, hardState, shape, tempDir } from './fixtures/test-data.js';

t.test('100 concurrent saves on LevelDB share a handful of fsyncs', async (t) => {
  const location = join(await tempDir(t), 'log');
  const log = new LevelDurableLog({ location });
  await log.open();
  t.teardown(() => log.close());
  const committer = new GroupCommitter(log);
  const saves: Promise<void>[] = [];
  for (let index = 1; index <= 100; index += 1) {
    saves.push(committer.save({ entries: [entry(index, 1)], hardState: hardState(1, 'p1', index) }));
    // Half the saves arrive while a batch is already on its way down.
    if (index === 50) await Promise.resolve();
  }
  await Promise.all(saves);
  const stats = committer.stats();
  t.equal(stats.updates, 100);
  t.ok(stats.batches < 10, `${stats.batches} batches for 100 saves`);
  t.ok(stats.fsyncs < 10, `${stats.fsyncs} fsyncs for 100 saves`);
  t.ok(stats.updatesPerBatchMaxSeen >= 10);
  t.ok(stats.fsyncLatencyMsTotal >= stats.fsyncLatencyMsMax && stats.fsyncLatencyMsMax >= 0);
  await log.close();
  const reopened = new LevelDurableLog({ location });
  t.teardown(() => reopened.close());
  const state = await reopened.open();
  t.equal(state.entries.length, 100);
  t.same(state.hardState, hardState(1, 'p1', 100));
});

/** A memory log whose writes wait until released: a disk in the middle of an fsync. */
function stalledLog() {
  let release: () => void = () => undefined;
  let stalled = true;
  const faults: StorageFaultHooks = {
    beforeWrite: () =>
      stalled ? new Promise<void>((resolve) => (release = () => ((stalled = false), resolve()))) : undefined,
  };
  const log = new MemoryDurableLog(new MemoryDisk(), faults);
  return { log, release: () => release() };
}

t.test('saves issued during an in-flight write go down together in the next batch, in order', async (t) => {
  const { log, release } = stalledLog();
  await log.open();
  const committer = new GroupCommitter(log);
  const resolved: number[] = [];
  const first = committer.save({ entries: [entry(1, 1)] }).then(() => resolved.push(1));
  await new Promise((resolve) => setImmediate(resolve));
  const rest: Promise<number>[] = [];
  for (let index = 2; index <= 40; index += 1) {
    rest.push(committer.save({ entries: [entry(index, 1)] }).then(() => resolved.push(index)));
  }
  t.equal(committer.queuedUpdates, 39, 'queued behind the stalled write');
  release();
  await Promise.all([first, ...rest]);
  t.same(resolved, Array.from({ length: 40 }, (_, i) => i + 1), 'resolved in call order');
  t.equal(committer.stats().batches, 2);
  t.equal(committer.stats().updatesPerBatchLast, 39);
});

t.test('updatesPerBatchMax bounds a batch', async (t) => {
  const log = new MemoryDurableLog();
  await log.open();
  const committer = new GroupCommitter(log, { updatesPerBatchMax: 8 });
  await Promise.all(Array.from({ length: 30 }, (_, i) => committer.save({ entries: [entry(i + 1, 1)] })));
  t.equal(committer.stats().batches, 4);
  t.equal(committer.stats().updatesPerBatchMaxSeen, 8);
});

t.test('a failed batch fails its waiters, the queue, and every later save', async (t) => {
  let fail = false;
  const log = new MemoryDurableLog(new MemoryDisk(), {
    beforeWrite: () => {
      if (fail) throw new Error('EIO');
    },
  });
  await log.open();
  const committer = new GroupCommitter(log);
  await committer.save({ entries: entries(1, 2, 1) });
  fail = true;
  const doomed = [committer.save({ entries: entries(3, 3, 1) }), committer.save({ entries: entries(4, 4, 1) })];
  for (const save of doomed) await t.rejects(save, { code: 'STORAGE_IO' });
  fail = false;
  await t.rejects(committer.save({ entries: entries(3, 3, 1) }), { code: 'STORAGE_IO' });
  t.equal(committer.failed?.code, 'STORAGE_IO');
  await log.close();
  const state = await new MemoryDurableLog(log.disk).open();
  t.same(shape(state.entries), ['1/1', '2/1']);
});
