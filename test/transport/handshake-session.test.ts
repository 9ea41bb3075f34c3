import t from 'tap';
import { encodeFrame, PROTOCOL_VERSION } from '../../src/transport/frame-codec.js';
import { computeProof } from '../../src/transport/handshake-proof.js';
import { InboundSession } from '../../src/transport/inbound-session.js';
import { OutboundSession } from '../../src/transport/outbound-session.js';
import { CLOSE_CODES, type SessionAction } from '../../src/transport/session-action.js';
import { DEFAULT_TRANSPORT_LIMITS } from '../../src/transport/transport-limits.js';
import { heartbeat } from './fixtures/helpers.js';

const secret = Buffer.from('sixteen-plus-bytes-secret');
const limits = DEFAULT_TRANSPORT_LIMITS;
const serverNonce = new Uint8Array(32).fill(3);
const clientNonce = new Uint8Array(32).fill(4);

function server(): InboundSession {
  return new InboundSession({ selfId: 'p2', clusterId: 'c1', secret, isMember: (p) => ['p1', 'p3'].includes(p), limits, nonce: serverNonce });
}
function client(overrides: { secret?: Uint8Array; clusterId?: string; selfId?: string } = {}): OutboundSession {
  return new OutboundSession({
    selfId: overrides.selfId ?? 'p1',
    peerId: 'p2',
    clusterId: overrides.clusterId ?? 'c1',
    secret: overrides.secret ?? secret,
    limits,
    nonce: clientNonce,
  });
}
const sent = (actions: SessionAction[]): Uint8Array[] => actions.flatMap((a) => (a.kind === 'send' ? [a.bytes] : []));
const closeOf = (actions: SessionAction[]) => actions.find((a) => a.kind === 'close');

/** Shuttles frames between the two state machines, bytes only, no socket. */
function handshake(s: InboundSession, c: OutboundSession): { server: SessionAction[]; client: SessionAction[] } {
  const toServer = sent(s.start()).flatMap((b) => c.feed(b));
  const serverActions = sent(toServer).flatMap((b) => s.feed(b));
  const clientActions = sent(serverActions).flatMap((b) => c.feed(b));
  return { server: [...serverActions, ...toServer.filter((a) => a.kind !== 'send')], client: clientActions };
}

t.test('a correct handshake opens both sides and data flows', async (t) => {
  const s = server();
  const c = client();
  const result = handshake(s, c);
  t.equal(s.state, 'open');
  t.equal(c.state, 'open');
  t.equal(s.peer, 'p1');
  t.ok(result.client.some((a) => a.kind === 'open'));
  const delivered = s.feed(encodeFrame({ kind: 'batch', messages: [heartbeat('p1', 'p2', 5)] }));
  t.match(delivered, [{ kind: 'deliver', messages: [{ index: 5 }] }]);
});

t.test('refusals close with their codes', async (t) => {
  const cases: Array<[string, OutboundSession, number]> = [
    ['wrong secret', client({ secret: Buffer.from('another-secret-of-16+') }), CLOSE_CODES.authFailed],
    ['unknown peer', client({ selfId: 'p9' }), CLOSE_CODES.unknownPeer],
  ];
  for (const [title, c, code] of cases) {
    const s = server();
    const { server: actions } = handshake(s, c);
    t.equal(closeOf(actions)?.kind === 'close' && closeOf(actions)?.code, code, title);
    t.equal(s.state, 'closed', title);
    t.same(s.feed(encodeFrame({ kind: 'batch', messages: [heartbeat('p1', 'p2', 1)] })), [], `${title}: closed stays closed`);
  }
  const wrongCluster = client({ clusterId: 'c2' });
  const actions = sent(server().start()).flatMap((b) => wrongCluster.feed(b));
  t.match(closeOf(actions), { code: CLOSE_CODES.wrongCluster }, 'the dialer refuses a foreign cluster before proving anything');
});

t.test('the server refuses a forged cluster id even with a valid-looking proof', async (t) => {
  const s = server();
  s.start();
  const proof = computeProof({ secret, role: 'client', nonce: serverNonce, clusterId: 'c2', from: 'p1', to: 'p2' });
  const auth = encodeFrame({ kind: 'auth', version: PROTOCOL_VERSION, clusterId: 'c2', from: 'p1', to: 'p2', nonce: clientNonce, proof });
  t.match(closeOf(s.feed(auth)), { code: CLOSE_CODES.wrongCluster });
});

t.test('a server proof cannot be reflected as a client proof', async (t) => {
  const s = server();
  s.start();
  const reflected = computeProof({ secret, role: 'server', nonce: serverNonce, clusterId: 'c1', from: 'p1', to: 'p2' });
  const auth = encodeFrame({ kind: 'auth', version: PROTOCOL_VERSION, clusterId: 'c1', from: 'p1', to: 'p2', nonce: clientNonce, proof: reflected });
  t.match(closeOf(s.feed(auth)), { code: CLOSE_CODES.authFailed });
});

t.test('data before auth, garbage, and spoofed senders are protocol errors', async (t) => {
  const early = server();
  early.start();
  t.match(closeOf(early.feed(encodeFrame({ kind: 'batch', messages: [heartbeat('p1', 'p2', 1)] }))), { code: CLOSE_CODES.protocolError });
  const garbage = server();
  garbage.start();
  t.match(closeOf(garbage.feed(new Uint8Array([0xff, 0x00, 0x13]))), { code: CLOSE_CODES.protocolError });
  const s = server();
  handshake(s, client());
  t.match(closeOf(s.feed(encodeFrame({ kind: 'batch', messages: [heartbeat('p3', 'p2', 1)] }))), { code: CLOSE_CODES.protocolError });
  const c = client();
  t.match(closeOf(c.feed(encodeFrame({ kind: 'welcome', proof: new Uint8Array(32) }))), { code: CLOSE_CODES.protocolError }, 'welcome before challenge');
});

t.test('a server without the secret is refused by the dialer', async (t) => {
  const s = new InboundSession({ selfId: 'p2', clusterId: 'c1', secret: Buffer.from('impostor-secret-16+'), isMember: () => true, limits, nonce: serverNonce });
  const c = client();
  const toServer = sent(s.start()).flatMap((b) => c.feed(b));
  // The impostor cannot verify the auth either; hand-craft what it would send.
  t.match(closeOf(sent(toServer).flatMap((b) => s.feed(b))), { code: CLOSE_CODES.authFailed });
  const forgedWelcome = encodeFrame({ kind: 'welcome', proof: new Uint8Array(32).fill(9) });
  t.match(closeOf(c.feed(forgedWelcome)), { code: CLOSE_CODES.authFailed });
  t.equal(c.state, 'closed');
});
