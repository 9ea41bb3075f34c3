/**
 * npm run bench:kv — write and read throughput and latency (p50, p99) through the
 * etcd v3 JSON API with 1, 16 and 128 concurrent clients, against a 3-peer raftplane
 * cluster and, in the same run on the same machine, a 3-member etcd. For the put phases it
 * also prints each system's mean fsync time from its own metrics (see fsync-metric.ts).
 *
 * Environment: BENCH_SECONDS (per phase, default 5), BENCH_VALUE_BYTES (default 256).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { etcdAvailable, startEtcdCluster } from './etcd-cluster.js';
import { meanFsyncMs, readFsyncTotals } from './fsync-metric.js';
import { runLoad, type LoadResult } from './load.js';
import { startRaftplaneCluster } from './raftplane-cluster.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const valueBytes = Number(process.env['BENCH_VALUE_BYTES'] ?? 256);
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

async function measure(system: string, endpoints: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const clients of concurrencies) {
    const fsyncBefore = await readFsyncTotals(endpoints);
    const put = await runLoad({
      endpoints, clients, durationMs: seconds * 1000, requestsMax: 2_000_000,
      request: (i) => ({ path: '/v3/kv/put', body: { key: b64(`bench/${i % 10_000}`), value } }),
    });
    const fsyncMs = meanFsyncMs(fsyncBefore, await readFsyncTotals(endpoints));
    rows.push({ system, op: 'put', clients, result: put, fsyncMs });
    const range = await runLoad({
      endpoints, clients, durationMs: seconds * 1000, requestsMax: 2_000_000,
      request: (i) => ({ path: '/v3/kv/range', body: { key: b64(`bench/${i % 10_000}`) } }),
    });
    rows.push({ system, op: 'range (linearizable)', clients, result: range });
    console.error(`${system}: ${clients} clients done`);
  }
  return rows;
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
try {
  const raftplane = await startRaftplaneCluster(path.join(root, 'raftplane'), 23790);
  const ours = await measure('raftplane', raftplane.apiUrls).finally(() => raftplane.stop());
  let theirs: Row[] = [];
  if (etcdAvailable()) {
    const etcd = await startEtcdCluster(path.join(root, 'etcd'), 24790);
    theirs = await measure('etcd', etcd.clientUrls).finally(() => etcd.stop());
  } else {
    console.error('*** etcd is not installed (apt-get install etcd-server): no reference figures ***');
  }
  console.log(`\n${seconds} s per phase, ${valueBytes}-byte values, clients spread over the 3 members\n`);
  console.log(table([...ours, ...theirs]));
  if (theirs.length > 0) console.log(`\n${ratios(ours, theirs)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
