import t from 'tap';
import { MemoryNetwork } from '../../src/transport/memory-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { collect, heartbeat, snapshotMessage } from './fixtures/helpers.js';
import { transportConformance } from './fixtures/transport-conformance.js';

transportConformance(t, 'MemoryTransport', async (limits) => {
  const network = new MemoryNetwork(limits === undefined ? {} : { limits });
  const nodes: Record<string, Transport> = {};
  for (const id of ['p1', 'p2', 'p3']) nodes[id] = network.createTransport(id);
  for (const node of Object.values(nodes)) await node.start();
  return {
    nodes,
    close: async () => {
      for (const node of Object.values(nodes)) await node.stop();
    },
  };
});

t.test('MemoryTransport: a restarted node receives what was queued for it', async (t) => {
  const network = new MemoryNetwork({ limits: { snapshotChunkBytes: 64 * 1024 } });
  const p1 = network.createTransport('p1');
  const p2 = network.createTransport('p2');
  await p1.start();
  await p2.start();
  await p2.stop();
  p1.send([heartbeat('p1', 'p2', 1), snapshotMessage('p1', 'p2', 300_000)]);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const p2again = network.createTransport('p2');
  await p2again.start();
  const got = await collect(p2again, [], 2);
  t.same(got.map((m) => m.type), ['heartbeat', 'snapshot']);
  t.equal(got[1]?.snapshot?.data.byteLength, 300_000);
  t.ok((p1.stats().peers['p2']?.framesSent ?? 0) >= 5, 'snapshot went as chunks');
  await p1.stop();
  await p2again.stop();
});
