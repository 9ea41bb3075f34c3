import t from 'tap';
import { MemoryDisk, MemoryDurableLog } from '../../src/storage/memory-durable-log.js';
import { durableLogConformance } from './fixtures/durable-log-conformance.js';
import { entries, shape } from './fixtures/test-data.js';

t.test('MemoryDurableLog conformance', async (t) => {
  durableLogConformance(t, async () => {
    const disk = new MemoryDisk();
    return (faults) => new MemoryDurableLog(disk, faults);
  });
});

t.test('a crashed owner cannot write; a restarted log sees every acknowledged save', async (t) => {
  const disk = new MemoryDisk();
  const log = new MemoryDurableLog(disk);
  await log.open();
  await log.save({ entries: entries(1, 3, 1) });
  disk.crash();
  await t.rejects(log.save({ entries: entries(4, 4, 1) }), { code: 'STORAGE_IO' });
  const restarted = new MemoryDurableLog(disk);
  const state = await restarted.open();
  t.same(shape(state.entries), ['1/1', '2/1', '3/1']);
});

t.test('the disk keeps copies: mutating a saved buffer does not reach it', async (t) => {
  const disk = new MemoryDisk();
  const log = new MemoryDurableLog(disk);
  await log.open();
  const saved = entries(1, 1, 1);
  await log.save({ entries: saved });
  saved[0]?.data.fill(0);
  await log.close();
  const state = await new MemoryDurableLog(disk).open();
  t.equal(new TextDecoder().decode(state.entries[0]?.data), 'e1t1');
});
