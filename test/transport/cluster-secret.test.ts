import t from 'tap';
import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const BUILT = fileURLToPath(new URL('../../dist/transport/cluster-secret.js', import.meta.url));

/** One peer process starting on the data dir: prints the secret it loaded, or its error. */
function peerProcess(dir: string): Promise<string> {
  const script = `import { loadOrCreateClusterSecret } from ${JSON.stringify(BUILT)};
    loadOrCreateClusterSecret(${JSON.stringify(dir)}).then((s) => console.log(Buffer.from(s).toString('hex')), (e) => console.log('error: ' + e.message));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
  });
}

t.test('peer processes racing at first start all get the same whole secret, and no draft is left', async (t) => {
  for (let round = 0; round < 6; round++) {
    const dir = join(t.testdir(), `race-${round}`);
    const secrets = await Promise.all(Array.from({ length: 6 }, () => peerProcess(dir)));
    t.same(secrets.filter((s) => s.startsWith('error')), [], `round ${round}: no process failed`);
    t.equal(new Set(secrets).size, 1, `round ${round}: one secret`);
    t.same(await readdir(dir), [CLUSTER_SECRET_FILE], `round ${round}: only the secret file`);
  }
});
