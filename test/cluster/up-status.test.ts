import { join } from 'node:path';
import t from 'tap';
import { readFile, rm } from 'node:fs/promises';
import { exited, freePort, runCli, waitFor, writeClusterConfig, type ClusterSetup } from './fixtures/process-cluster.js';
import { get, put } from './fixtures/etcd-json.js';

const READY_TIMEOUT_MS = 30_000;

/** Runs `up` and waits for its `ready` line. */
async function up(setup: ClusterSetup, teardown: (fn: () => void) => void) {
  const run = runCli(['up', '--config', setup.configFile], join(setup.dir, 'up.log'));
  teardown(() => void run.child.kill('SIGKILL'));
  const line = await waitFor('the ready line', () => {
    if (run.child.exitCode !== null) throw new Error(`up exited with ${run.child.exitCode}`);
    return run.stdout().split('\n').find((l) => l.startsWith('ready'));
  }, READY_TIMEOUT_MS, 50).catch(async (error: Error) => {
    // The temp dir goes with the test: say here what up said.
    const log = await readFile(join(setup.dir, 'up.log'), 'utf8').catch(() => '');
    throw new Error(`${error.message}\n--- up.log\n${log.trim().split('\n').slice(-20).join('\n')}\n--- stdout\n${run.stdout()}`);
  });
  return { ...run, line };
}

/** `raftplane <args>` to completion: exit code and stdout. */
async function cli(setup: ClusterSetup, args: string[]): Promise<{ code: number | string; stdout: string }> {
  const run = runCli(args, join(setup.dir, 'cli.log'));
  const code = await exited(run.child, 30_000);
  return { code, stdout: run.stdout() };
}

/** Pids of the peer processes, from the LOCK each writes into its data dir. */
async function peerPids(setup: ClusterSetup, ids: readonly string[]): Promise<number[]> {
  const pids = await Promise.all(ids.map((id) => readFile(join(setup.dataDir, id, 'LOCK'), 'utf8').then(Number, () => NaN)));
  return pids.filter((pid) => Number.isInteger(pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('up, status, SIGTERM, and up again on the same data dir; member replace', async (t) => {
  const setup = await writeClusterConfig(3);
  t.teardown(async () => {
    for (const pid of await peerPids(setup, ['p1', 'p2', 'p3', 'p4'])) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(setup.dir, { recursive: true, force: true });
  });
  const first = await up(setup, (fn) => t.teardown(fn));
  t.match(first.line, /^ready test-cluster: 3 peers, leader p[123], load balancer 127\.0\.0\.1:\d+, kubeconfig .*kubeconfig, endpoints .*endpoints\.json/, first.line);

  const endpoints = JSON.parse(await readFile(join(setup.dataDir, 'endpoints.json'), 'utf8')) as { peers: Array<{ id: string; api: string; peer: string }>; loadBalancer: string };
  t.same(endpoints.peers.map((p) => p.id), ['p1', 'p2', 'p3']);
  t.same(endpoints.peers.map((p) => p.api), setup.peers.map((p) => p.api), 'endpoints.json lists each peer\'s API URL');
  t.match(endpoints.loadBalancer, /^http:\/\/127\.0\.0\.1:\d+$/);

  const status = await cli(setup, ['status', '--config', setup.configFile, '--json']);
  t.equal(status.code, 0, 'status exits 0 with a healthy quorum');
  const report = JSON.parse(status.stdout) as { peers: Array<{ role: string; health: string }> };
  t.equal(report.peers.filter((p) => p.role === 'leader').length, 1, 'status shows exactly one leader');
  t.ok(report.peers.every((p) => p.health === 'ready'), 'every peer ready');
  const table = await cli(setup, ['status', '--config', setup.configFile]);
  t.match(table.stdout, /^ID\s+API\s+ROLE\s+TERM\s+LEADER\s+COMMIT\s+APPLIED\s+LAG\s+HEALTH/, 'a table by default');

  t.ok(await put(endpoints.peers[0]!.api, 'up/key', 'kept'), 'a write is acknowledged');
  const pids = await peerPids(setup, ['p1', 'p2', 'p3']);
  t.equal(pids.length, 3);
  first.child.kill('SIGTERM');
  t.equal(await exited(first.child, 15_000), 0, 'up exits 0 on SIGTERM');
  t.same(pids.filter(alive), [], 'every peer process has stopped');

  const second = await up(setup, (fn) => t.teardown(fn));
  t.equal(await get(endpoints.peers[2]!.api, 'up/key'), 'kept', 'restarted on the same data dir, the data is still there');

  // A peer dies; up keeps the others running and the dead one is replaced without downtime.
  const [p2pid] = await peerPids(setup, ['p2']);
  process.kill(p2pid!, 'SIGKILL');
  await waitFor('up to notice', async () => ((await readFile(join(setup.dir, 'up.log'), 'utf8')).includes('peer p2 exited unexpectedly') ? true : undefined), 5_000);
  const [apiPort, peerPort] = [await freePort(), await freePort()];
  const onLive = await cli(setup, ['member', 'replace', '--config', setup.configFile, '--dead', 'p2', '--new', 'p3', '--host', '127.0.0.1', '--peer-port', String(peerPort), '--api-port', String(apiPort)]);
  t.equal(onLive.code, 1, 'a live voter is no replacement');
  t.match(await readFile(join(setup.dir, 'cli.log'), 'utf8'), /--new p3 is already a voting member of this cluster/);
  const replace = await cli(setup, ['member', 'replace', '--config', setup.configFile, '--dead', 'p2', '--new', 'p4', '--host', '127.0.0.1', '--peer-port', String(peerPort), '--api-port', String(apiPort)]);
  t.equal(replace.code, 0, `member replace succeeds:\n${replace.stdout}`);
  const config = await readFile(setup.configFile, 'utf8');
  t.ok(config.includes('id: p4') && !config.includes('id: p2'), 'the config file now lists p4 instead of p2');
  const members = await cli(setup, ['member', 'list', '--config', setup.configFile, '--json']);
  const names = (JSON.parse(members.stdout) as { members: Array<{ name: string; isLearner: boolean }> }).members;
  t.same(names.map((m) => [m.name, m.isLearner]), [['p1', false], ['p3', false], ['p4', false]], 'members: p1, p3 and p4, all voters');
  t.equal(await get(`http://127.0.0.1:${apiPort}`, 'up/key'), 'kept', 'p4 has the data');

  second.child.kill('SIGTERM');
  t.equal(await exited(second.child, 15_000), 0, 'up exits 0 on SIGTERM');
  const after = await peerPids(setup, ['p1', 'p3', 'p4']);
  t.same(after.filter(alive), [], 'every peer stopped, including p4 that member replace started');
});
