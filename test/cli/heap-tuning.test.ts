import t from 'tap';
import { HEAP_GROWING_ENV, HEAP_GROWING_PERCENT_DEFAULT, heapGrowingPercent, tuneHeapForPeer } from '../../src/cli/heap-tuning.js';

t.test('the growing percent defaults, and the environment overrides it', async (t) => {
  t.equal(heapGrowingPercent({}), HEAP_GROWING_PERCENT_DEFAULT);
  t.equal(heapGrowingPercent({ [HEAP_GROWING_ENV]: '' }), HEAP_GROWING_PERCENT_DEFAULT);
  t.equal(heapGrowingPercent({ [HEAP_GROWING_ENV]: '150' }), 150);
  t.equal(heapGrowingPercent({ [HEAP_GROWING_ENV]: '0' }), 0);
  for (const bad of ['-1', '1.5', 'lots', '1001', '3e2', ' ']) {
    t.throws(() => heapGrowingPercent({ [HEAP_GROWING_ENV]: bad }), { code: 'CLI_USAGE', message: new RegExp(`${HEAP_GROWING_ENV} must be a whole number`) }, JSON.stringify(bad));
  }
});

t.test('V8 gets the flag, except at 0, which leaves the sizing to V8', async (t) => {
  const flags: string[] = [];
  t.equal(tuneHeapForPeer({}, (f) => flags.push(f)), HEAP_GROWING_PERCENT_DEFAULT);
  t.equal(tuneHeapForPeer({ [HEAP_GROWING_ENV]: '120' }, (f) => flags.push(f)), 120);
  t.equal(tuneHeapForPeer({ [HEAP_GROWING_ENV]: '0' }, (f) => flags.push(f)), 0);
  t.same(flags, [`--heap-growing-percent=${HEAP_GROWING_PERCENT_DEFAULT}`, '--heap-growing-percent=120']);
});
