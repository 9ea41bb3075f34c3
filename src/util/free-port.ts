import { createServer } from 'node:net';

/** Ports handed out by this process, never handed out twice. */
const given = new Set<number>();

/**
 * A loopback port nothing listens on, for a listener about to be started (tests, the
 * chaos lab). Chosen at random below Linux's ephemeral range (32768-60999 by default):
 * a port from that range, as listen(0) returns, can be taken by any outgoing connection
 * between this check and the listener's bind, and a busy test run makes many. Below it
 * only other listeners compete, and the random choice and the test bind make that rare.
 */
export async function freePort(low = 20_000, high = 32_000): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (given.has(port)) continue;
    if (await canListen(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port found in ${low}-${high} after 200 tries`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
