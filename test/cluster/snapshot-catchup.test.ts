import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { ProcessCluster, waitFor } from './fixtures/process-cluster.js';
import { findLeader, get, getPrefix, put, status } from './fixtures/etcd-json.js';

/**
 * Raft §7 (log compaction, InstallSnapshot): a peer that lost its whole data dir
 * rejoins with --initial-cluster-state existing. The others have compacted their logs
 * (raft.snapshotEveryEntries: 20), so the entries it lacks no longer exist as a log:
 * it can only catch up from a snapshot.
 */
t.test('a wiped peer rejoins with --initial-cluster-state existing and catches up by snapshot', async (t) => {
  const cluster = await ProcessCluster.start(3, { snapshotEveryEntries: 20, compactionMarginEntries: 5 });
  t.teardown(async () => {
    const tails = await cluster.close(!t.passing());
    if (tails !== '') t.comment(tails);
  });
  const leader = await waitFor('a leader', () => findLeader(cluster.setup.peers), 10_000);
  const victim = cluster.setup.peers.find((p) => p.id !== leader.peer.id);
  if (victim === undefined) throw new Error('no follower');
  let acked = 0;
  for (let i = 0; i < 40; i++) if (await put(leader.peer.api, `snap/${i}`, `before-${i}`)) acked++;
  t.equal(acked, 40, 'the first 40 writes are acknowledged');

  await cluster.kill9(victim.id);
  await rm(join(cluster.setup.dataDir, victim.id), { recursive: true, force: true });
  for (let i = 40; i < 70; i++) if (await put(leader.peer.api, `snap/${i}`, `after-${i}`)) acked++;
  t.equal(acked, 70, 'the next 30, with one peer down, too');
  const leaderLog = await readFile(join(cluster.setup.dir, `${leader.peer.id}.log`), 'utf8');
  t.match(leaderLog, /snapshot taken, log compacted/, 'the leader compacted its log, so only a snapshot can bring the victim back');
  const taken = leaderLog
    .split('\n')
    .filter((line) => line.includes('snapshot taken'))
    .map((line) => JSON.parse(line) as { bytes: number; writtenBytes: number; sharedBytes: number });
  t.ok(taken[0]!.writtenBytes >= taken[0]!.bytes, `the first snapshot wrote its whole image (${taken[0]!.writtenBytes} bytes of records for ${taken[0]!.bytes})`);
  t.ok(taken.every((s) => s.writtenBytes + s.sharedBytes >= s.bytes), 'every image is written or held by earlier records');
  const metrics = await (await fetch(`${leader.peer.api}/metrics`)).text();
  t.match(metrics, /raftplane_disk_snapshot_written_bytes_total [1-9]/, 'the snapshot bytes written are exported');
  t.match(metrics, /raftplane_disk_synced_writes_total [1-9]/, 'and the synced writes');
  t.match(metrics, /process_resident_memory_bytes [1-9]/, 'and the process: its memory');
  t.match(metrics, /nodejs_heap_size_used_bytes [1-9]/, 'its heap');
  t.match(metrics, /# TYPE nodejs_gc_duration_seconds histogram/, 'its GC pauses');

  await cluster.startPeer(victim.id, 'existing');
  const leaderApplied = (await status(leader.peer.api))?.appliedIndex ?? Infinity;
  await waitFor(`${victim.id} to catch up`, async () => ((await status(victim.api))?.appliedIndex ?? 0) >= leaderApplied ? true : undefined, 15_000);
  const seen = await getPrefix(victim.api, 'snap/');
  t.equal(seen.size, 70, `${victim.id} holds all 70 keys`);
  t.equal(seen.get('snap/0'), 'before-0');
  t.equal(seen.get('snap/69'), 'after-69');
  // It is a full member again: it takes writes and serves linearizable reads.
  t.ok(await put(victim.api, 'snap/new', 'x'), 'a write through the rejoined peer is acknowledged');
  t.equal(await get(victim.api, 'snap/new'), 'x');
});
