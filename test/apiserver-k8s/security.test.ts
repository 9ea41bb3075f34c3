import t from 'tap';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ensureClusterCredentials, CREDENTIAL_FILES } from '../../src/apiserver/security/cluster-credentials.js';
import { parseTokenFile } from '../../src/apiserver/security/token-file.js';
import { TokenAuthenticator } from '../../src/apiserver/security/authenticator.js';
import { authorize, READ_ONLY_GROUP } from '../../src/apiserver/security/authorizer.js';

t.test('credentials are created once, shared, and cover every host asked for', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'raftplane-cred-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const [a, b] = await Promise.all([ensureClusterCredentials(dir, ['127.0.0.1']), ensureClusterCredentials(dir, ['127.0.0.1'])]);
  t.equal(a.ca.certificatePem, b.ca.certificatePem, 'concurrent callers see one CA');
  t.equal(a.adminToken, b.adminToken);
  const again = await ensureClusterCredentials(dir, ['peer-2.example', '10.1.2.3']);
  t.equal(again.ca.certificatePem, a.ca.certificatePem, 'CA kept');
  const serving = new X509Certificate(again.serving.certificatePem);
  const ca = new X509Certificate(again.ca.certificatePem);
  t.ok(serving.verify(ca.publicKey), 'serving certificate signed by the CA');
  t.ok(serving.checkHost('peer-2.example'));
  t.ok(serving.checkIP('10.1.2.3'));
  t.ok(serving.checkIP('127.0.0.1'), 'earlier hosts kept');
  t.ok(ca.ca, 'CA certificate is a CA');
  t.equal((await stat(join(dir, CREDENTIAL_FILES.caKey))).mode & 0o777, 0o600);
  const tokens = parseTokenFile(await readFile(join(dir, CREDENTIAL_FILES.tokens), 'utf8'));
  t.equal(tokens[0]?.user.name, 'admin');
  t.same(tokens[0]?.user.groups, ['system:masters']);
});

t.test('token file, authentication and the two roles', async (t) => {
  const entries = parseTokenFile('# users\nsecret1,alice,u1,"raftplane:viewers,dev"\nsecret2,bob,u2\n');
  t.same(entries[0]?.user.groups, [READ_ONLY_GROUP, 'dev']);
  t.same(entries[1]?.user.groups, []);
  t.throws(() => parseTokenFile('x,y\n'), { code: 'SECURITY_TOKEN_FILE_INVALID' });
  t.throws(() => parseTokenFile('a,b,c\na,d,e\n'), { code: 'SECURITY_TOKEN_FILE_INVALID' });
  const authn = new TokenAuthenticator(entries);
  const alice = authn.authenticate({ headers: { authorization: 'Bearer secret1' } });
  t.equal(alice?.name, 'alice');
  t.ok(alice?.groups.includes('system:authenticated'));
  t.equal(authn.authenticate({ headers: { authorization: 'Bearer nope' } }), undefined);
  t.equal(authn.authenticate({ headers: {} }), undefined);
  const base = { isResourceRequest: true, path: '/api/v1/namespaces/default/pods', apiGroup: '', resource: 'pods', subresource: '', namespace: 'default', name: '' };
  t.same(authorize({ ...base, user: alice!, verb: 'list' }), { allowed: true });
  t.same(authorize({ ...base, user: alice!, verb: 'create' }), {
    allowed: false,
    message: 'User "alice" cannot create resource "pods" in API group "" in the namespace "default"',
  });
  const bob = authn.authenticate({ headers: { authorization: 'Bearer secret2' } })!;
  t.same(authorize({ ...base, user: bob, verb: 'list', namespace: '', resource: 'nodes' }), {
    allowed: false,
    message: 'User "bob" cannot list resource "nodes" in API group "" at the cluster scope',
  });
});
