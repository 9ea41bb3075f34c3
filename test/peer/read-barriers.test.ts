import t from 'tap';
import { ReadBarriers } from '../../src/peer/read-barriers.js';

function barriers(ask: (ctx: string) => boolean) {
  return new ReadBarriers({ origin: 'p1/x', pendingMax: 4, reaskAfterMs: 100, ask });
}

t.test('callers share the open request until the loop issues it; it resolves once its index is applied', async (t) => {
  const asked: string[] = [];
  const r = barriers((ctx) => (asked.push(ctx), true));
  const a = r.add(1000);
  const b = r.add(1000);
  t.ok(a.created, 'the first caller creates a request');
  t.equal(b.created, undefined, 'the second joins it');
  r.issue(a.created!, 0);
  const c = r.add(1000);
  t.ok(c.created !== undefined && c.created !== a.created, 'once issued, a new caller starts a new request');
  t.same(asked, [a.created]);
  let done = false;
  void a.promise.then(() => (done = true));
  r.answered(a.created!, 7);
  r.release(6);
  await Promise.resolve();
  t.equal(done, false, 'not before index 7 is applied');
  r.release(7);
  await a.promise;
  await b.promise;
  t.pass('both callers of the first request are released at index 7');
});

t.test('a request that could not be asked is asked again on every tick; an unanswered one after reaskAfterMs', async (t) => {
  let reachable = false;
  const asked: number[] = [];
  const r = barriers(() => (asked.push(asked.length), reachable));
  const { created, promise } = r.add(10_000);
  r.issue(created!, 0);
  r.tick(10);
  r.tick(20);
  t.equal(asked.length, 3, 'not asked: tried at issue and on each tick');
  reachable = true;
  r.tick(30);
  t.equal(asked.length, 4, 'asked now');
  r.tick(40);
  r.tick(120);
  t.equal(asked.length, 4, 'asked and within reaskAfterMs: left alone');
  r.tick(131);
  t.equal(asked.length, 5, 'no answer for longer than reaskAfterMs: asked again');
  r.answered(created!, 1);
  r.release(1);
  await promise;
});

t.test('barriers expire at their deadline and can be rejected', async (t) => {
  const r = barriers(() => true);
  const first = r.add(50);
  r.issue(first.created!, 0);
  r.tick(51);
  await t.rejects(first.promise, /request timed out/);
  const second = r.add(1000);
  r.reject(second.created!, new Error('refused'));
  await t.rejects(second.promise, /refused/);
  r.issue(second.created!, 0);
  const third = r.add(1000);
  t.ok(third.created, 'a new request');
  r.rejectAll(new Error('etcdserver: server stopped'));
  await t.rejects(third.promise, /server stopped/);
});
