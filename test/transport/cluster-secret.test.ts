import t from 'tap';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CLUSTER_SECRET_FILE, loadOrCreateClusterSecret, parseClusterSecret } from '../../src/transport/cluster-secret.js';

t.test('creates a 0600 secret on first start and loads the same one later', async (t) => {
  const dir = join(t.testdir(), 'data');
  const first = await loadOrCreateClusterSecret(dir);
  const path = join(dir, CLUSTER_SECRET_FILE);
  t.equal((await stat(path)).mode & 0o777, 0o600);
  t.equal((await readFile(path, 'utf8')).trim().length, 64, '32 random bytes in hex');
  t.same(await loadOrCreateClusterSecret(dir), first);
  await chmod(path, 0o644);
  await t.rejects(loadOrCreateClusterSecret(dir), { code: 'TRANSPORT_SECRET_INSECURE' });
});

t.test('short secrets are refused', async (t) => {
  t.throws(() => parseClusterSecret('short'), { code: 'TRANSPORT_SECRET_INVALID' });
  t.equal(parseClusterSecret('0123456789abcdef').byteLength, 16);
});
