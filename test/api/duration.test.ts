import t from 'tap';
import { ageOf, humanDuration } from '../../src/api/duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

t.test('duration.HumanDuration thresholds', async (t) => {
  const cases: [number, string][] = [
    [-3 * s, '<invalid>'],
    [-1.5 * s, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 2 * s, '3m2s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [2 * h + 5 * m + 3 * h, '5h5m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [8 * d + 3 * h, '8d'],
    [400 * d, '400d'],
    [2 * 365 * d + 20 * d, '2y20d'],
    [9 * 365 * d, '9y'],
  ];
  for (const [ms, text] of cases) t.equal(humanDuration(ms), text, text);
});

t.test('translateTimestampSince: missing timestamps are <unknown>', async (t) => {
  t.equal(ageOf(undefined, 0), '<unknown>');
  t.equal(ageOf(null, 0), '<unknown>');
  t.equal(ageOf('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:00:42Z')), '42s');
});
