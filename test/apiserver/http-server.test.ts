import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { notReadyReason } from '../../src/apiserver/http-server.js';
import type { MemberStatus } from '../../src/peer/kv-store.js';
import { b64, startApiCluster } from './fixtures/api-cluster.js';

const STATUS: MemberStatus = {
  header: { clusterId: '1', memberId: '2', revision: 1, raftTerm: 2 },
  version: '3.5.0', dbSize: 0, leader: '2', leaderName: 'p1', name: 'p1', role: 'leader',
  raftIndex: 5, raftTerm: 2, raftAppliedIndex: 5, commitIndex: 5, snapshotIndex: 0, isLearner: false, errors: [],
};

t.test('readiness: a known leader and nothing committed left to apply', async (t) => {
  const reason = (patch: Partial<MemberStatus>): string | undefined => notReadyReason({ status: () => ({ ...STATUS, ...patch }) });
  t.equal(reason({}), undefined);
  t.equal(reason({ leader: '0' }), 'no leader');
  t.equal(reason({ raftAppliedIndex: 3 }), 'applied index 3 is behind commit index 5');
  t.equal(reason({ errors: ['peer stopped'] }), 'peer stopped');
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

t.test('paths the server does not own go to the fallback; TLS when given a key and certificate', { skip: hasOpenssl ? false : 'openssl is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'raftplane-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  const seen: string[] = [];
  const cluster = await startApiCluster(1, {
    tls: { key: readFileSync(join(dir, 'key.pem')), cert },
    fallback: (req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"kind":"APIVersions"}');
    },
  });
  t.teardown(() => cluster.stop());
  const { api } = await cluster.leader();
  t.match(api.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const call = (path: string, body?: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request(`${api.url}${path}`, { method: body === undefined ? 'GET' : 'POST', ca: cert }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  t.same(await call('/api?timeout=1s'), { status: 200, text: '{"kind":"APIVersions"}' });
  t.same(seen, ['/api?timeout=1s']);
  const put = await call('/v3/kv/put', JSON.stringify({ key: b64('tls'), value: b64('1') }));
  t.equal(put.status, 200, 'the etcd gateway is served over TLS too');
  t.equal((await call('/healthz')).text, 'ok');
  t.same(seen, ['/api?timeout=1s'], '/v3, /healthz are not handed to the fallback');
});

t.test('a client that goes away mid-body is a coded error, not a server failure', async (t) => {
  const { createServer } = await import('node:http');
  const { connect } = await import('node:net');
  const { readBody } = await import('../../src/apiserver/request-body.js');
  let failure: unknown;
  const settled = new Promise<void>((resolve) => {
    const server = createServer((req) => {
      readBody(req, 1024 * 1024).then(
        () => resolve(),
        (error: unknown) => {
          failure = error;
          resolve();
        },
      );
    });
    t.teardown(() => server.close());
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /v3/kv/put HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"key":');
        setTimeout(() => socket.destroy(), 50);
      });
    });
  });
  await settled;
  t.match(failure, { code: 'GATEWAY_CLIENT_GONE' });
});
