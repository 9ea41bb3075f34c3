import t from 'tap';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { EMPTY_CONF_STATE } from '../../src/raft/types.js';

t.test('a snapshot created from a function makes its data on first use, once', async (t) => {
  const storage = new MemoryStorage();
  storage.append([1, 2, 3].map((index) => ({ index, term: 1, type: 'normal' as const, data: new Uint8Array(0) })));
  let made = 0;
  const snapshot = storage.createSnapshot(2, EMPTY_CONF_STATE, () => {
    made += 1;
    return Uint8Array.of(made);
  });
  t.equal(made, 0, 'nothing made while nothing reads it');
  t.same(snapshot.meta, { index: 2, term: 1, confState: EMPTY_CONF_STATE });
  t.same([...snapshot.data], [1]);
  t.same([...storage.snapshot().data], [1], 'the storage hands out the same snapshot');
  t.equal(made, 1, 'made once');
  const eager = storage.createSnapshot(3, EMPTY_CONF_STATE, Uint8Array.of(9));
  t.same([...eager.data], [9]);
});
