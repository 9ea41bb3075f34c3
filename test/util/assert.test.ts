import t from 'tap';
import { assert, AssertionError } from '../../src/util/assert.js';
t.test('assert throws AssertionError on a false condition', async (t) => {
  t.throws(() => assert(false, 'boom'), AssertionError);
  t.doesNotThrow(() => assert(true));
});
