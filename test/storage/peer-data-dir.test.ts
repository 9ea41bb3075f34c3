import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { AssertionError } from '../../src/util/assert.js';
import { openPeerDataDir } from '../../src/storage/peer-data-dir.js';
import { tempDir } from './fixtures/test-data.js';

t.test('a new peer directory records its identity; reopening finds it', async (t) => {
  const dataDir = await tempDir(t);
  const first = await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' });
  t.equal(first.created, true);
  t.equal(first.peerDir, join(dataDir, 'p1'));
  t.equal(first.logDir, join(dataDir, 'p1', 'raft-log'));
  t.same(JSON.parse(await readFile(join(first.peerDir, 'IDENTITY'), 'utf8')), { format: 1, clusterId: 'lab-a', peerId: 'p1' });
  await first.release();
  const second = await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' });
  t.equal(second.created, false);
  await second.release();
});

t.test("another cluster's data directory is refused with STORAGE_DATA_DIR_MISMATCH", async (t) => {
  const dataDir = await tempDir(t);
  await (await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' })).release();
  await t.rejects(openPeerDataDir({ dataDir, clusterId: 'lab-b', peerId: 'p1' }), {
    code: 'STORAGE_DATA_DIR_MISMATCH',
    message: /belongs to peer p1 of cluster lab-a, not peer p1 of cluster lab-b/,
  });
  // The refused open must not leave its lock behind.
  await (await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' })).release();
});

t.test('a directory copied from another peer is refused', async (t) => {
  const dataDir = await tempDir(t);
  const p1 = await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' });
  await p1.release();
  const identity = await readFile(join(p1.peerDir, 'IDENTITY'), 'utf8');
  const p2 = await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p2' });
  await p2.release();
  await writeFile(join(p2.peerDir, 'IDENTITY'), identity);
  await t.rejects(openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p2' }), { code: 'STORAGE_DATA_DIR_MISMATCH' });
});

t.test('a held directory is STORAGE_LOCKED; a stale lock is taken over', async (t) => {
  const dataDir = await tempDir(t);
  const held = await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' });
  await t.rejects(openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' }), { code: 'STORAGE_LOCKED' });
  await held.release();
  // A pid far above any real one: the process that held it is gone.
  await writeFile(join(dataDir, 'p1', 'LOCK'), '2147483646\n');
  const taken = await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' });
  t.equal((await readFile(join(dataDir, 'p1', 'LOCK'), 'utf8')).trim(), String(process.pid));
  await taken.release();
});

t.test('a garbled identity file is STORAGE_CORRUPT; unsafe peer ids are programmer errors', async (t) => {
  const dataDir = await tempDir(t);
  await (await openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' })).release();
  await writeFile(join(dataDir, 'p1', 'IDENTITY'), '{"format":');
  await t.rejects(openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: 'p1' }), { code: 'STORAGE_CORRUPT' });
  await t.rejects(openPeerDataDir({ dataDir, clusterId: 'lab-a', peerId: '../p2' }), AssertionError);
});
