import t from 'tap';
import { createServer } from 'node:net';
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
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(30_000, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const port = await freePort(30_000, 30_002);
  t.not(port, 30_000);
});
