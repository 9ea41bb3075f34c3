import t from 'tap';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { EMPTY_CONF_STATE, type Entry } from '../../src/raft/types.js';
import { KvStateMachine } from '../../src/sim/kv-state-machine.js';
import { SimDisk } from '../../src/sim/sim-disk.js';

const conf = { ...EMPTY_CONF_STATE, voters: ['p1', 'p2', 'p3'] };
const enc = new TextEncoder();
function entry(index: number, term: number, text = `k=${index}`): Entry {
  return { index, term, type: 'normal', data: enc.encode(text) };
}

t.test('the disk survives a crash: snapshot, entries after it, hard state; conflicting suffixes truncated', async (t) => {
  const disk = SimDisk.of(MemoryStorage.bootstrap(conf));
  disk.append([entry(2, 1), entry(3, 1), entry(4, 1)]);
  disk.append([entry(3, 2)]);
  disk.setHardState({ term: 2, vote: 'p1', commit: 3 });
  const storage = disk.load();
  t.equal(storage.lastIndex(), 3);
  t.equal(storage.term(3), 2);
  t.same(storage.initialState().hardState, { term: 2, vote: 'p1', commit: 3 });
  t.same(storage.initialState().confState, conf);
});

t.test('own snapshots and compaction keep the tail; a leader snapshot replaces the log', async (t) => {
  const storage = MemoryStorage.bootstrap(conf);
  const disk = SimDisk.of(storage);
  const entries = [entry(2, 1), entry(3, 1), entry(4, 1), entry(5, 1)];
  storage.append(entries);
  disk.append(entries);
  const snap = storage.createSnapshot(4, conf, new Uint8Array(0));
  disk.saveSnapshot(snap);
  disk.compact(3);
  const reloaded = disk.load();
  t.equal(reloaded.snapshot().meta.index, 4);
  t.equal(reloaded.lastIndex(), 5);
  disk.installSnapshot({ meta: { index: 9, term: 3, confState: conf }, data: new Uint8Array(0) });
  t.equal(disk.lastIndex, 9);
  disk.append([entry(10, 3)]);
  t.equal(disk.load().lastIndex(), 10);
});

t.test('the state machine: ordered applies, chain hash, snapshot round trip', async (t) => {
  const a = new KvStateMachine();
  a.restore(1, new Uint8Array(0));
  a.apply(2, 1, 'x=1', true);
  a.apply(3, 1, '', true);
  a.apply(4, 2, 'x=2', true);
  t.equal(a.get('x'), '2');
  t.throws(() => a.apply(6, 2, 'x=3', true), 'a gap is a programmer error');
  const b = new KvStateMachine();
  b.restore(4, a.snapshotBytes());
  t.equal(b.chain, a.chain);
  t.equal(b.get('x'), '2');
  const c = new KvStateMachine();
  c.restore(1, new Uint8Array(0));
  c.apply(2, 1, 'x=1', true);
  c.apply(3, 2, '', true);
  c.apply(4, 2, 'x=2', true);
  t.not(c.chain, a.chain, 'a different history gives a different chain');
});
