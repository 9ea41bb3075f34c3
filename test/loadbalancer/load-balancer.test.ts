import t from 'tap';
import http from 'node:http';
import { startLoadBalancer } from '../../src/loadbalancer/load-balancer.js';
import { silentLogger } from '../../src/util/logger.js';
import { TestBackend, get, within } from './fixtures/backends.js';

async function setup(t: { teardown(fn: () => Promise<void>): void }) {
  const backends = ['p1', 'p2', 'p3'].map((id) => new TestBackend(id));
  for (const b of backends) await b.start();
  const lb = await startLoadBalancer({ host: '127.0.0.1', port: 0, backends: backends.map((b) => b.backend()), logger: silentLogger() });
  t.teardown(async () => {
    await lb.close();
    for (const b of backends) await b.stop();
  });
  return { backends, lb, port: lb.address.port };
}

async function spread(port: number, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const who = await get(port);
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  return counts;
}

t.test('connections are spread over every ready peer', async (t) => {
  const { port } = await setup(t);
  const counts = await spread(port, 30);
  t.same([...counts.keys()].sort(), ['p1', 'p2', 'p3'], 'every peer got connections');
  for (const [id, n] of counts) t.ok(n >= 5, `${id} got a fair share (${n}/30)`);
});

t.test('a dead peer is dropped within a second and taken back when it recovers', async (t) => {
  const { backends, lb, port } = await setup(t);
  const p2 = backends[1]!;
  const oldPort = p2.port;
  await p2.stop();
  const droppedMs = await within(1000, async () => lb.backends().find((b) => b.backend.id === 'p2')?.healthy === false);
  t.ok(droppedMs < 1000, `dropped after ${droppedMs} ms`);
  const counts = await spread(port, 12);
  t.notOk(counts.has('p2'), 'no connection goes to the dead peer');
  t.equal([...counts.values()].reduce((a, b) => a + b, 0), 12, 'every request was answered');
  await p2.start(oldPort);
  await within(2000, async () => lb.backends().find((b) => b.backend.id === 'p2')?.healthy === true);
  t.ok((await spread(port, 12)).has('p2'), 'the recovered peer is back in rotation');
});

t.test('a peer that is alive but not ready leaves rotation', async (t) => {
  const { backends, lb, port } = await setup(t);
  backends[0]!.ready = false;
  await within(1000, async () => lb.backends().find((b) => b.backend.id === 'p1')?.healthy === false);
  t.notOk((await spread(port, 9)).has('p1'));
});

t.test('long-lived streams are carried and survive other peers going away', async (t) => {
  const { backends, port } = await setup(t);
  const first = await new Promise<{ who: string; res: http.IncomingMessage }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/stream', agent: false }, (res) => {
        res.once('data', (chunk: Buffer) => resolve({ who: chunk.toString().trim(), res }));
      })
      .on('error', reject);
  });
  t.teardown(() => first.res.destroy());
  for (const b of backends) if (b.id !== first.who) await b.stop();
  await new Promise((r) => setTimeout(r, 600));
  t.equal(first.res.destroyed, false, `the stream to ${first.who} is still open`);
});

t.test('with no healthy peer a connection is closed, not left hanging', async (t) => {
  const { backends, lb, port } = await setup(t);
  for (const b of backends) await b.stop();
  await within(1000, async () => lb.backends().every((b) => !b.healthy));
  await t.rejects(get(port), 'the client sees the connection close');
});

t.test('with no peer ready (an election), connections go to the peers that answer', async (t) => {
  const { backends, lb, port } = await setup(t);
  await backends[2]!.stop();
  backends[0]!.ready = false;
  backends[1]!.ready = false;
  await within(1500, async () => lb.backends().every((b) => !b.healthy));
  const counts = await spread(port, 12);
  t.same([...counts.keys()].sort(), ['p1', 'p2'], 'not-ready peers that answer take the connections; the dead one gets none');
  t.equal(lb.backends().find((b) => b.backend.id === 'p3')?.answering, false, 'the dead peer is known not to answer');
  backends[1]!.ready = true;
  await within(1500, async () => lb.backends().find((b) => b.backend.id === 'p2')?.healthy === true);
  t.same([...(await spread(port, 9)).keys()], ['p2'], 'once a peer is ready again, only ready peers get connections');
});
