import t from 'tap';
import { generateName } from '../../src/api/name-generator.js';
import { isDns1123Subdomain } from '../../src/api/validation/names.js';

t.test('SimpleNameGenerator: prefix + 5 characters, prefix cut to 58', async (t) => {
  let next = 0;
  const counting = (n: number): number => next++ % n;
  t.equal(generateName('web-', counting), 'web-bcdfg');
  const long = generateName('x'.repeat(80), () => 26);
  t.equal(long.length, 63);
  t.ok(long.endsWith('99999'));
  t.same(isDns1123Subdomain(generateName('web-7d9c-', () => 3)), []);
});
