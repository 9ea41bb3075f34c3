import t from 'tap';
import { BackendPool } from '../../src/loadbalancer/backend-pool.js';

const pool = (): BackendPool =>
  new BackendPool(
    ['p1', 'p2', 'p3'].map((id) => ({ id, host: '127.0.0.1', port: 1, healthUrl: 'http://127.0.0.1:1/readyz' })),
    { fall: 1, rise: 1 },
  );

t.test('ready backends are picked while any is ready', async (t) => {
  const p = pool();
  p.report('p1', false, 'readyz answered 503', true);
  t.equal(p.degraded, false);
  const picked = new Set([1, 2, 3, 4].map(() => p.pick()?.backend.id));
  t.same([...picked].sort(), ['p2', 'p3']);
});

t.test('with none ready, backends that answered are picked, ones that did not are not', async (t) => {
  const p = pool();
  p.report('p1', false, 'readyz answered 503', true);
  p.report('p2', false, 'connect ECONNREFUSED', false);
  p.markDown('p3', 'connect ECONNREFUSED');
  t.equal(p.degraded, true);
  t.equal(p.pick()?.backend.id, 'p1');
  t.equal(p.pick(new Set(['p1'])), undefined, 'nothing else answers');
  p.report('p3', false, 'readyz answered 503', true);
  t.same(new Set([1, 2, 3, 4].map(() => p.pick()?.backend.id)), new Set(['p1', 'p3']));
  p.report('p3', true);
  t.equal(p.degraded, false);
  t.equal(p.pick()?.backend.id, 'p3', 'a ready backend wins again');
});

t.test('a refused connection takes an unready backend out of the fallback too', async (t) => {
  const p = pool();
  for (const id of ['p1', 'p2', 'p3']) p.report(id, false, 'readyz answered 503', true);
  t.equal(p.markDown('p2', 'connect ECONNREFUSED'), false, 'no change of ready state to report');
  t.same(new Set([1, 2, 3, 4].map(() => p.pick()?.backend.id)), new Set(['p1', 'p3']));
});
