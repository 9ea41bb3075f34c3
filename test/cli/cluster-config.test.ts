import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadClusterConfig } from '../../src/cli/cluster-config.js';
import { editConfigPeers } from '../../src/cli/cluster-config-edit.js';

const BASE = `# a comment that must survive edits
name: lab
raft: { heartbeatMs: 50, electionTimeoutMs: 500, snapshotEveryEntries: 20 }
peers:
  - { id: p1, host: 127.0.0.1, peerPort: 2390, apiPort: 2389 }
  - { id: p2, host: 127.0.0.1, peerPort: 2400, apiPort: 2399 }
  - { id: p3, host: 127.0.0.1, peerPort: 2410, apiPort: 2409 }
`;

async function withFile(text: string, body: (file: string) => Promise<void> | void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'raftplane-config-'));
  try {
    const file = join(dir, 'cluster.yaml');
    await writeFile(file, text);
    await body(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

t.test('raft tuning and the secret source come from the file', async (t) => {
  await withFile(BASE, (file) => {
    const config = loadClusterConfig(file);
    t.equal(config.raft.snapshotEveryEntries, 20);
    t.equal(config.raft.compactionMarginEntries, undefined, 'absent means the peer default');
    t.equal(config.raft.snapshotEveryBytes, undefined, 'absent means the peer default');
    t.same(config.secret, { kind: 'data-dir' }, 'peers on one machine share <dataDir>/cluster-secret');
    t.equal(config.kubernetes.compactionIntervalSeconds, 300, 'history compaction every 5 minutes, as kube-apiserver');
  });
  await withFile(BASE.replace('snapshotEveryEntries: 20', 'snapshotEveryEntries: 20, snapshotEveryBytes: 1048576'), (file) => {
    t.equal(loadClusterConfig(file).raft.snapshotEveryBytes, 1_048_576);
  });
  await withFile(`${BASE}kubernetes: { compactionIntervalSeconds: 0 }\n`, (file) => {
    t.equal(loadClusterConfig(file).kubernetes.compactionIntervalSeconds, 0, '0 turns compaction off');
  });
  await withFile(`${BASE}secretFile: keys/secret\n`, (file) => {
    t.same(loadClusterConfig(file).secret, { kind: 'file', path: join(file, '..', 'keys/secret') }, 'secretFile is relative to the config file');
  });
});

t.test('bad values are refused with the field named', async (t) => {
  await withFile(BASE.replace('snapshotEveryEntries: 20', 'snapshotEveryEntries: 0'), (file) => {
    t.throws(() => loadClusterConfig(file), { code: 'CONFIG_INVALID', message: /raft\.snapshotEveryEntries: must be a positive integer/ });
  });
  await withFile(BASE.replace('snapshotEveryEntries: 20', 'snapshotEveryBytes: 1.5'), (file) => {
    t.throws(() => loadClusterConfig(file), { code: 'CONFIG_INVALID', message: /raft\.snapshotEveryBytes: must be a positive integer/ });
  });
  for (const bad of ['3000000000', '0.5', '0']) {
    await withFile(BASE.replace('heartbeatMs: 50', `heartbeatMs: ${bad}`), (file) => {
      t.throws(() => loadClusterConfig(file), { code: 'CONFIG_INVALID', message: /raft\.heartbeatMs: must be a whole number of milliseconds from 1 to 86400000/ }, `heartbeatMs ${bad}`);
    });
  }
  await withFile(BASE.replace('apiPort: 2399', 'apiPort: 2390'), (file) => {
    t.throws(() => loadClusterConfig(file), { code: 'CONFIG_INVALID', message: /127\.0\.0\.1:2390 is used twice/ });
  });
  await withFile(`${BASE}kubernetes: { compactionIntervalSeconds: -5 }\n`, (file) => {
    t.throws(() => loadClusterConfig(file), { code: 'CONFIG_INVALID', message: /kubernetes\.compactionIntervalSeconds: must be an integer >= 0/ });
  });
  await withFile(`${BASE}secret: short\n`, (file) => {
    t.throws(() => loadClusterConfig(file), { code: 'CONFIG_INVALID', message: /secret: must be at least 16 bytes/ });
  });
  await withFile(`${BASE}secret: aaaaaaaaaaaaaaaaaaaa\nsecretFile: x\n`, (file) => {
    t.throws(() => loadClusterConfig(file), { code: 'CONFIG_INVALID', message: /either secret or secretFile/ });
  });
});

t.test('editing the peers list keeps comments and style, and validates', async (t) => {
  await withFile(BASE, async (file) => {
    editConfigPeers(file, { add: { id: 'p4', host: '127.0.0.1', peerPort: 2420, apiPort: 2419 } });
    editConfigPeers(file, { removeId: 'p2' });
    const text = await readFile(file, 'utf8');
    t.match(text, /^# a comment that must survive edits/);
    t.match(text, /- \{ id: p4, host: 127\.0\.0\.1, peerPort: 2420, apiPort: 2419 \}/, 'the new entry is in flow style like the others');
    t.same(loadClusterConfig(file).peers.map((p) => p.id), ['p1', 'p3', 'p4']);
    t.throws(() => editConfigPeers(file, { add: { id: 'P5!', host: 'h', peerPort: 1, apiPort: 2 } }), { code: 'CONFIG_INVALID' }, 'an edit that breaks the file is refused');
    t.same(loadClusterConfig(file).peers.map((p) => p.id), ['p1', 'p3', 'p4'], 'and the file is left as it was');
  });
});
