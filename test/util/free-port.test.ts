import t from 'tap';
import { createServer, type AddressInfo } from 'node:net';
import { freePort } from '../../src/util/free-port.js';

t.test('free ports are below the ephemeral range, listenable, and never handed out twice', async (t) => {
  const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
  t.equal(new Set(ports).size, 50, 'no port twice');
  t.ok(ports.every((p) => p >= 20_000 && p < 32_000), 'all in 20000-31999');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.pass('the first one could be listened on');
});

t.test('a port already taken is never returned', async (t) => {
  // A range holding only a port this test listens on: the answer cannot depend on what
  // other tests running at the same time listen on (a fixed port next to it could).
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const { port } = taken.address() as AddressInfo;
  await t.rejects(freePort(port, port + 1), /no free loopback port found/, `not ${port}, which is taken`);
});
