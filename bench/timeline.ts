/**
 * npm run bench:timeline — where a one-client put spends its time. Starts a 3-peer
 * cluster with RAFTPLANE_TRACE_DIR set, so every peer records its Ready loop's steps,
 * its HTTP requests and its GC pauses; runs one closed-loop client over the three members
 * in turn; stops the cluster (the peers write their timelines as they stop) and prints
 * the mean of each segment of a put's path for bands of requests by latency.
 *
 * Environment: TIMELINE_SECONDS (measured, default 15), TIMELINE_WARMUP_SECONDS (puts at
 * 16 clients then at one, unmeasured, default 15), BENCH_VALUE_BYTES (default 256).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envNumber } from './env-number.js';
import { runLoad } from './load.js';
import { startRaftplaneCluster } from './raftplane-cluster.js';
import { SEGMENTS, band, p99WithoutGc, segmentRequests, slowLeaderWrites, slowWithGc, type Request, type TimelineEvent } from './timeline-segments.js';

const seconds = envNumber('TIMELINE_SECONDS', 15, { min: 1 });
const warmupSeconds = envNumber('TIMELINE_WARMUP_SECONDS', 15);
const valueBytes = envNumber('BENCH_VALUE_BYTES', 256, { integer: true });
const value = Buffer.alloc(valueBytes, 'v').toString('base64');
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const put = (i: number): { path: string; body: unknown } => ({ path: '/v3/kv/put', body: { key: b64(`bench/${i % 10000}`), value } });

const root = mkdtempSync(path.join(os.tmpdir(), 'raftplane-timeline-'));
const traceDir = path.join(root, 'trace');
process.env['RAFTPLANE_TRACE_DIR'] = traceDir;
try {
  const cluster = await startRaftplaneCluster(path.join(root, 'cluster'), 23890);
  const requests: Request[] = [];
  let loadResult;
  try {
    const endpoints = cluster.apiUrls;
    if (warmupSeconds > 0) {
      await runLoad({ endpoints, clients: 16, durationMs: (warmupSeconds * 1000) / 2, requestsMax: 2_000_000, request: put });
      await runLoad({ endpoints, clients: 1, durationMs: (warmupSeconds * 1000) / 2, requestsMax: 2_000_000, request: put });
    }
    loadResult = await runLoad({
      endpoints,
      clients: 1,
      durationMs: seconds * 1000,
      requestsMax: 2_000_000,
      request: put,
      onAnswer: (startMs, latencyMs, endpoint) => requests.push({ startMs, latencyMs, origin: cluster.peerIds[endpoint]! }),
    });
  } finally {
    await cluster.stop();
  }
  const timelines = new Map<string, TimelineEvent[]>();
  for (const id of cluster.peerIds) {
    const file = JSON.parse(readFileSync(path.join(traceDir, `${id}.trace.json`), 'utf8')) as { dropped: number; events: TimelineEvent[] };
    if (file.dropped > 0) console.error(`${id}: ${file.dropped} events not recorded (the timeline was full)`);
    timelines.set(id, file.events);
  }
  const segments = segmentRequests(requests, timelines);
  console.log(`\none client, ${seconds} s: ${loadResult.requests} puts, ${loadResult.throughputPerSecond.toFixed(0)}/s, p50 ${loadResult.p50Ms.toFixed(2)} ms, p99 ${loadResult.p99Ms.toFixed(2)} ms; ${segments.length} traced end to end\n`);
  console.log(`| band | puts | latency | ${SEGMENTS.map(([, label]) => label).join(' | ')} |`);
  console.log(`|---|---|---|${SEGMENTS.map(() => '---').join('|')}|`);
  for (const b of [band(segments, 'p40-p60', 0.4, 0.6), band(segments, 'p90-p98', 0.9, 0.98), band(segments, 'p98-p99', 0.98, 0.99), band(segments, 'top 1 %', 0.99, 1)]) {
    console.log(`| ${b.name} | ${b.count} | ${b.meanLatencyMs.toFixed(2)} | ${SEGMENTS.map(([key]) => b.means[key].toFixed(2)).join(' | ')} |`);
  }
  const slow = slowLeaderWrites(segments, timelines, 0.02);
  console.log(`\nslowest 2 % (${slow.slowest}): ${slow.slowWrite} had a leader write at least 0.5 ms over its median, ${slow.slowWriteWithGc} of them with a GC on the leader inside it`);
  const gc = slowWithGc(segments, timelines, 0.01);
  console.log(`slowest 1 % (${gc.slowest}): ${gc.withGc} overlapped a GC pause on some peer`);
  const noGc = p99WithoutGc(segments, timelines);
  console.log(`${(100 * noGc.overlapShare).toFixed(1)} % of puts overlapped a GC pause on some peer; p99 ${noGc.p99Ms.toFixed(2)} ms, and ${noGc.p99NoGcMs.toFixed(2)} ms over the puts that overlapped none`);
  const { leader, origin, otherFollower, meanMs } = noGc.roles;
  const ms = (x: number): string => `${x.toFixed(2)} ms`;
  console.log(`the pauses they overlapped: on the leader ${leader} (mean ${ms(meanMs.leader)}), else on the origin follower ${origin} (${ms(meanMs.origin)}), else only on the other follower ${otherFollower} (${ms(meanMs.otherFollower)}); no pause: ${ms(meanMs.none)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
