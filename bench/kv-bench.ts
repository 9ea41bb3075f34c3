/**
 * npm run bench:kv — write and read throughput and latency (p50, p99) through the
 * etcd v3 JSON API with 1, 16 and 128 concurrent clients, against a 3-peer raftplane
 * cluster and, in the same run on the same machine, a 3-member etcd. For the put phases it
 * also prints each system's mean fsync time from its own metrics (see fsync-metric.ts).
 *
 * Both clusters run side by side and every phase alternates between them (see measure).
 *
 * Before any phase, each system serves BENCH_WARMUP_SECONDS of puts and reads that are not
 * measured: a peer's hot paths are compiled by V8's JIT as they run, and the put rate
 * of a fresh peer at one client keeps rising for its first 20 s or so (measured: 359,
 * 481, 524, 554 puts/s in four 5 s runs back to back), which would otherwise fall on
 * whichever phase comes first. etcd, compiled ahead of time, needs none.
 *
 * Environment: BENCH_SECONDS (per phase, default 5), BENCH_VALUE_BYTES (default 256),
 * BENCH_REPEAT (runs per phase and system, median kept; default 1),
 * BENCH_WARMUP_SECONDS (default 15; 0 skips the warm-up), BENCH_SNAPSHOT_ENTRIES (the peers'
 * raft.snapshotEveryEntries; default: the peer default, 100,000, etcd 3.4's --snapshot-count
 * default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { etcdAvailable, startEtcdCluster } from './etcd-cluster.js';
import { envNumber } from './env-number.js';
import { meanFsyncMs, readFsyncTotals } from './fsync-metric.js';
import { runLoad, type LoadResult } from './load.js';
import { startRaftplaneCluster } from './raftplane-cluster.js';
import { PEER_DEFAULTS } from '../src/peer/peer-options.js';

const seconds = envNumber('BENCH_SECONDS', 5, { min: 0.1 });
const valueBytes = envNumber('BENCH_VALUE_BYTES', 256, { integer: true });
const repeats = envNumber('BENCH_REPEAT', 1, { min: 1, integer: true });
const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 15);
const snapshotEntries = envNumber('BENCH_SNAPSHOT_ENTRIES', 0, { integer: true });
const concurrencies = [1, 16, 128];
const value = Buffer.alloc(valueBytes, 'v').toString('base64');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

interface Row {
  system: string;
  op: string;
  clients: number;
  result: LoadResult;
  /** Mean fsync during the phase, from the system's own metric (puts only). */
  fsyncMs?: number;
}

interface System {
  readonly name: string;
  readonly endpoints: string[];
}

type Op = 'put' | 'range (linearizable)';

function requestFor(op: Op): (i: number) => { path: string; body: unknown } {
  return op === 'put'
    ? (i: number) => ({ path: '/v3/kv/put', body: { key: b64(`bench/${i % 10_000}`), value } })
    : (i: number) => ({ path: '/v3/kv/range', body: { key: b64(`bench/${i % 10_000}`) } });
}

/** Unmeasured load on every system: puts at one and at 16 clients, then reads. */
async function warmUp(systems: readonly System[]): Promise<void> {
  if (warmupSeconds <= 0) return;
  const slice = (warmupSeconds * 1000) / 3;
  for (const { endpoints } of systems) {
    await runLoad({ endpoints, clients: 1, durationMs: slice, requestsMax: 2_000_000, request: requestFor('put') });
    await runLoad({ endpoints, clients: 16, durationMs: slice, requestsMax: 2_000_000, request: requestFor('put') });
    await runLoad({ endpoints, clients: 16, durationMs: slice, requestsMax: 2_000_000, request: requestFor('range (linearizable)') });
  }
  console.error(`warmed up (${warmupSeconds} s per system)`);
}

async function phase(system: System, op: Op, clients: number): Promise<Row> {
  const { endpoints } = system;
  const request = requestFor(op);
  const fsyncBefore = op === 'put' ? await readFsyncTotals(endpoints) : undefined;
  const result = await runLoad({ endpoints, clients, durationMs: seconds * 1000, requestsMax: 2_000_000, request });
  const fsyncMs = fsyncBefore === undefined ? undefined : meanFsyncMs(fsyncBefore, await readFsyncTotals(endpoints));
  return { system: system.name, op, clients, result, ...(fsyncMs !== undefined ? { fsyncMs } : {}) };
}

/**
 * Every phase runs on each system in turn, the order alternating between repeats, so
 * that a change in the machine's background load during the run falls on both alike;
 * the row kept for each system and phase is its median run by throughput.
 */
async function measure(systems: readonly System[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const clients of concurrencies) {
    for (const op of ['put', 'range (linearizable)'] as const) {
      const runs = new Map<string, Row[]>(systems.map((s) => [s.name, []]));
      for (let round = 0; round < repeats; round++) {
        const order = round % 2 === 0 ? systems : [...systems].reverse();
        for (const system of order) runs.get(system.name)!.push(await phase(system, op, clients));
      }
      for (const system of systems) rows.push(median(runs.get(system.name)!));
    }
    console.error(`${clients} clients done`);
  }
  return rows;
}

function median(runs: readonly Row[]): Row {
  const sorted = [...runs].sort((a, b) => a.result.throughputPerSecond - b.result.throughputPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function table(rows: Row[]): string {
  const out = ['| system | op | clients | req/s | p50 ms | p99 ms | errors | mean fsync ms |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const fsync = r.fsyncMs === undefined || Number.isNaN(r.fsyncMs) ? '' : r.fsyncMs.toFixed(2);
    out.push(`| ${r.system} | ${r.op} | ${r.clients} | ${r.result.throughputPerSecond.toFixed(0)} | ${r.result.p50Ms.toFixed(2)} | ${r.result.p99Ms.toFixed(2)} | ${r.result.errors} | ${fsync} |`);
  }
  return out.join('\n');
}

function ratios(ours: Row[], theirs: Row[]): string {
  const out = ['| op | clients | throughput raftplane/etcd | p99 raftplane/etcd |', '|---|---|---|---|'];
  for (const r of ours) {
    const e = theirs.find((x) => x.op === r.op && x.clients === r.clients);
    if (e === undefined) continue;
    out.push(`| ${r.op} | ${r.clients} | ${(r.result.throughputPerSecond / e.result.throughputPerSecond).toFixed(2)} | ${(r.result.p99Ms / e.result.p99Ms).toFixed(2)} |`);
  }
  return out.join('\n');
}

const root = mkdtempSync(path.join(os.tmpdir(), 'raftplane-bench-'));
const stops: Array<() => Promise<void>> = [];
try {
  const raftplane = await startRaftplaneCluster(path.join(root, 'raftplane'), 23790, 3, snapshotEntries > 0 ? { snapshotEveryEntries: snapshotEntries } : {});
  stops.push(() => raftplane.stop());
  const systems: System[] = [{ name: 'raftplane', endpoints: raftplane.apiUrls }];
  if (etcdAvailable()) {
    const etcd = await startEtcdCluster(path.join(root, 'etcd'), 24790);
    stops.push(() => etcd.stop());
    systems.push({ name: 'etcd', endpoints: etcd.clientUrls });
  } else {
    console.error('*** etcd is not installed (apt-get install etcd-server): no reference figures ***');
  }
  await warmUp(systems);
  const rows = await measure(systems);
  const ours = rows.filter((r) => r.system === 'raftplane');
  const theirs = rows.filter((r) => r.system === 'etcd');
  console.log(`\n${seconds} s per phase, ${repeats} run(s) per phase and system (median by throughput), ${valueBytes}-byte values, clients spread over the 3 members, ${warmupSeconds} s warm-up per system, peers snapshot every ${snapshotEntries > 0 ? snapshotEntries : PEER_DEFAULTS.snapshotEveryEntries} entries\n`);
  console.log(table([...ours, ...theirs]));
  if (theirs.length > 0) console.log(`\n${ratios(ours, theirs)}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}
