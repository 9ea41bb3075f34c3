import t from 'tap';
import { compareQuantities, parseQuantity, QUANTITY_FORMAT_MESSAGE, quantityValue } from '../../src/api/quantity.js';

t.test('resource.ParseQuantity: decimal, binary and exponent suffixes', async (t) => {
  const milli = (s: string | number): bigint => parseQuantity(s).milli;
  t.equal(milli('100m'), 100n);
  t.equal(milli('0.1'), 100n);
  t.equal(milli('.5'), 500n);
  t.equal(milli(2), 2000n);
  t.equal(milli('1k'), 1_000_000n);
  t.equal(milli('1Ki'), 1_024_000n);
  t.equal(milli('1.5Gi'), 1_610_612_736_000n);
  t.equal(milli('2e3'), 2_000_000n);
  t.equal(milli('1n'), 1n, 'rounds up to a milli-unit like MilliValue');
  t.equal(milli('-1'), -1000n);
  t.equal(quantityValue(parseQuantity('500Mi')), 524_288_000n);
  t.equal(quantityValue(parseQuantity('100m')), 1n);
  t.equal(compareQuantities(parseQuantity('100m'), parseQuantity('0.1')), 0);
  t.equal(compareQuantities(parseQuantity('1Gi'), parseQuantity('1G')), 1);
});

t.test('malformed quantities get kube-apiserver message', async (t) => {
  for (const bad of ['', 'abc', '1Gb', '1.2.3', 'Mi']) t.throws(() => parseQuantity(bad), { message: QUANTITY_FORMAT_MESSAGE }, bad);
});
