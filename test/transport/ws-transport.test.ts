import t, { type Test } from 'tap';
import type { Message, NodeId } from '../../src/raft/types.js';
import { CLOSE_CODES } from '../../src/transport/session-action.js';
import type { WsTransport } from '../../src/transport/ws-transport.js';
import { append, collect, heartbeat, sleep, snapshotMessage, waitFor } from './fixtures/helpers.js';
import { UNMASKED_FRAME_BYTES, frameMask } from '../../src/transport/outbound-link.js';
import { transportConformance } from './fixtures/transport-conformance.js';
import { SECRET, startWsCluster, wsNode } from './fixtures/ws-cluster.js';

transportConformance(t, 'WsTransport', async (limits) => {
  const nodes = await startWsCluster(limits);
  return {
    nodes,
    close: async () => {
      for (const node of Object.values(nodes)) await node.stop();
    },
  };
});

async function stopAll(nodes: readonly WsTransport[]): Promise<void> {
  for (const node of nodes) await node.stop();
}

t.test('WsTransport: three peers on loopback exchange messages all ways', async (t) => {
  const nodes = await startWsCluster();
  const all = Object.values(nodes);
  for (const from of all) {
    from.send(all.filter((to) => to !== from).map((to, i) => heartbeat(from.selfId, to.selfId, i)));
  }
  for (const to of all) {
    const got = await collect(to, [], 2);
    t.same(got.map((m) => m.from).sort(), all.filter((n) => n !== to).map((n) => n.selfId).sort(), `all reach ${to.selfId}`);
    for (const peer of Object.values(to.stats().peers)) t.equal(peer.state, 'open');
  }
  await stopAll(all);
});

t.test('WsTransport: small frames go masked and whole, large ones unmasked; both arrive intact', async (t) => {
  t.not(frameMask(1), 0, 'an acknowledgement-sized frame is masked (ws writes it as one buffer)');
  t.not(frameMask(UNMASKED_FRAME_BYTES - 1), 0);
  t.equal(frameMask(UNMASKED_FRAME_BYTES), 0, 'a large frame is not (ws skips the XOR both ways)');
  const nodes = await startWsCluster();
  const [a, b] = Object.values(nodes);
  const payloads = [1, 200, UNMASKED_FRAME_BYTES - 300, UNMASKED_FRAME_BYTES + 10, 3 * UNMASKED_FRAME_BYTES].map((n, i) => String.fromCharCode(97 + i).repeat(n));
  for (const [i, payload] of payloads.entries()) {
    a!.send([append(a!.selfId, b!.selfId, i + 1, payload)]);
    // One message per frame: wait for each before sending the next.
    const [got] = await collect(b!, [], 1);
    const sent = append(a!.selfId, b!.selfId, i + 1, payload);
    t.same(got?.entries?.map((e) => Buffer.from(e.data).toString('hex')), sent.entries?.map((e) => Buffer.from(e.data).toString('hex')), `${payload.length}-byte payload: entry bytes`);
    t.same({ ...got, entries: undefined, context: undefined }, { ...sent, entries: undefined, context: undefined }, `${payload.length}-byte payload: the rest`);
  }
  await stopAll(Object.values(nodes));
});

async function refusedPair(
  t: Test,
  title: string,
  client: WsTransport,
  server: WsTransport,
): Promise<void> {
  await server.start();
  await client.start();
  client.setPeerAddress(server.selfId, server.address());
  client.send([heartbeat(client.selfId, server.selfId, 1)]);
  await waitFor(() => (client.stats().peers[server.selfId]?.handshakeFailures ?? 0) >= 1, 3000, title);
  await sleep(30);
  t.same(server.receive(), [], `${title}: nothing delivered`);
  t.not(client.stats().peers[server.selfId]?.state, 'open', `${title}: link never opens`);
  await stopAll([client, server]);
}

t.test('WsTransport: a wrong secret is refused', async (t) => {
  const server = wsNode('p2', { peers: { p1: { host: '127.0.0.1', port: 1 } } });
  const client = wsNode('p1', { secret: `${SECRET}-but-wrong` });
  await refusedPair(t, 'wrong secret', client, server);
  t.ok((server.stats().peers['p1']?.handshakeFailures ?? 0) === 0, 'an unproven id is not blamed');
});

t.test('WsTransport: a wrong cluster id is refused', async (t) => {
  const server = wsNode('p2', { peers: { p1: { host: '127.0.0.1', port: 1 } } });
  const client = wsNode('p1', { clusterId: 'another-cluster' });
  await refusedPair(t, 'wrong cluster', client, server);
});

t.test('WsTransport: an id that is not a member is refused', async (t) => {
  const server = wsNode('p2', { peers: { p3: { host: '127.0.0.1', port: 1 } } });
  const client = wsNode('p1');
  await refusedPair(t, 'unknown peer', client, server);
});

t.test('WsTransport: reconnects after the remote restarts, with what was queued meanwhile', async (t) => {
  const nodes = await startWsCluster({}, ['p1', 'p2']);
  const p1 = nodes['p1'] as WsTransport;
  const p2 = nodes['p2'] as WsTransport;
  p1.send([heartbeat('p1', 'p2', 1)]);
  await collect(p2, [], 1);
  const port = p2.address().port;
  const unreachable: NodeId[] = [];
  p1.onUnreachable((peer) => unreachable.push(peer));
  await p2.stop();
  await waitFor(() => unreachable.includes('p2'), 3000, 'link loss reported');
  await waitFor(() => p1.stats().peers['p2']?.state !== 'open');
  p1.send([heartbeat('p1', 'p2', 2), heartbeat('p1', 'p2', 3)]);
  await sleep(50);
  const p2again = wsNode('p2', { listen: { host: '127.0.0.1', port }, peers: { p1: p1.address() } });
  await p2again.start();
  const got = await collect(p2again, [], 2, 5000);
  t.same(got.map((m) => m.index), [2, 3]);
  const stats = p1.stats().peers['p2'];
  t.equal(stats?.state, 'open');
  t.ok((stats?.connects ?? 0) >= 2, 'dialed again');
  await stopAll([p1, p2again]);
});

t.test('WsTransport: a dead peer cannot grow the send queue', async (t) => {
  const p1 = wsNode('p1', { limits: { sendQueueLengthMax: 100, sendQueueBytesMax: 64 * 1024 } });
  await p1.start();
  p1.setPeerAddress('p2', { host: '127.0.0.1', port: 9 }); // discard port: nothing listens
  const unreachable: NodeId[] = [];
  p1.onUnreachable((peer) => unreachable.push(peer));
  for (let round = 0; round < 20; round++) {
    p1.send(Array.from({ length: 50 }, (_, i) => heartbeat('p1', 'p2', round * 50 + i)));
    await sleep(1);
  }
  const stats = p1.stats().peers['p2'];
  t.equal(stats?.queueLength, 100, 'queue stays at its bound');
  t.equal(stats?.dropsQueueFull, 900, 'the rest are dropped and counted');
  t.ok((stats?.queueBytes ?? Infinity) <= 64 * 1024);
  t.not(stats?.state, 'open');
  await waitFor(() => unreachable.includes('p2'));
  await p1.stop();
});

t.test('WsTransport: a 5 MiB snapshot travels as checked chunks', async (t) => {
  const nodes = await startWsCluster({}, ['p1', 'p2']);
  const p1 = nodes['p1'] as WsTransport;
  const p2 = nodes['p2'] as WsTransport;
  const snapshot = snapshotMessage('p1', 'p2', 5 * 1024 * 1024, 42);
  p1.send([heartbeat('p1', 'p2', 1), snapshot, heartbeat('p1', 'p2', 2)]);
  const got = await collect(p2, [], 3, 8000);
  t.same(got.map((m) => m.type), ['heartbeat', 'snapshot', 'heartbeat'], 'order kept around the stream');
  const received = got[1] as Message;
  t.ok(received.snapshot?.data instanceof Uint8Array);
  t.equal(Buffer.compare(Buffer.from(received.snapshot?.data ?? []), Buffer.from(snapshot.snapshot?.data ?? [])), 0, 'same bytes');
  t.same(received.snapshot?.meta, snapshot.snapshot?.meta);
  const stats = p1.stats().peers['p2'];
  t.ok((stats?.framesSent ?? 0) >= 6, `chunked into ${stats?.framesSent} frames`);
  t.equal(stats?.messagesSent, 3);
  await stopAll([p1, p2]);
});

t.test('WsTransport: a snapshot larger than the receiver allows is refused, the link recovers', async (t) => {
  const p1 = wsNode('p1');
  const p2 = wsNode('p2', { limits: { snapshotBytesMax: 2 * 1024 * 1024 } });
  await p1.start();
  await p2.start();
  p1.setPeerAddress('p2', p2.address());
  p2.setPeerAddress('p1', p1.address());
  p1.send([snapshotMessage('p1', 'p2', 3 * 1024 * 1024)]);
  await waitFor(() => (p2.stats().peers['p1']?.badFrames ?? 0) === 1, 3000, 'stream refused');
  // A message written before the dialer sees the close frame is lost like any other; Raft resends.
  await waitFor(() => p1.stats().peers['p2']?.connects === 2 && p1.stats().peers['p2']?.state === 'open', 3000, 'redial');
  p1.send([heartbeat('p1', 'p2', 7)]);
  const got = await collect(p2, [], 1, 5000);
  t.equal(got[0]?.index, 7, 'later traffic flows on a new link');
  await stopAll([p1, p2]);
});

t.test('WsTransport: a peer that sends garbage is cut off without harm', async (t) => {
  const { WebSocket } = await import('ws');
  const p2 = wsNode('p2', { peers: { p1: { host: '127.0.0.1', port: 1 } } });
  await p2.start();
  const ws = new WebSocket(`ws://127.0.0.1:${p2.address().port}/raft`);
  const closed = new Promise<number>((resolve) => ws.on('close', (code: number) => resolve(code)));
  ws.on('message', () => ws.send(Buffer.from([0xc1, 0xff, 0x00])));
  t.equal(await closed, CLOSE_CODES.protocolError);
  t.same(p2.receive(), []);
  await p2.stop();
});

t.test('WsTransport: a large frame before the handshake is refused undecoded, at once', async (t) => {
  const { WebSocket } = await import('ws');
  const { Packr } = await import('msgpackr');
  const p2 = wsNode('p2', { peers: { p1: { host: '127.0.0.1', port: 1 } } });
  await p2.start();
  t.teardown(() => p2.stop());
  // One msgpack array of a million empty arrays: 1 MiB on the wire, a million objects decoded.
  const bomb = new Packr({ useRecords: false }).pack(Array.from({ length: 1_000_000 }, () => []));
  const ws = new WebSocket(`ws://127.0.0.1:${p2.address().port}/raft`);
  const closed = new Promise<[number, string]>((resolve) => ws.on('close', (code: number, reason: Buffer) => resolve([code, reason.toString()])));
  ws.on('open', () => ws.send(bomb));
  t.same(await closed, [CLOSE_CODES.protocolError, 'TRANSPORT_HANDSHAKE_FAILED: handshake frame too large'], 'refused for its size, not after decoding it');
  t.same(p2.receive(), []);
});
