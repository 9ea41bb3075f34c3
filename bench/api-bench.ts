/**
 * npm run bench:api — the Kubernetes API of a 3-peer `raftplane up` cluster, through its
 * load balancer over TLS with the admin token: ConfigMap create, get and list at a fixed
 * offered rate (open loop: latency counts from when a request was due, so a slow server
 * cannot hide its queueing), a closed-loop maximum-throughput run, and a watch fan-out
 * where every watcher must receive every event.
 *
 * Environment: BENCH_RATE (single-object requests/s, default 1000), BENCH_SECONDS (per
 * open-loop phase, default 10), BENCH_WATCHERS (default 100), BENCH_WATCH_EVENTS (default
 * 500, created at 100/s), BENCH_CLIENTS (closed loop, default 64), BENCH_SNAPSHOT_EVERY_ENTRIES
 * (the cluster's raft.snapshotEveryEntries; unset: the default).
 */
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { envNumber } from './env-number.js';
import { startUpCluster } from '../test/acceptance/fixtures/up-cluster.js';

const rate = envNumber('BENCH_RATE', 1000, { min: 1 });
const seconds = envNumber('BENCH_SECONDS', 10, { min: 0.1 });
const watchers = envNumber('BENCH_WATCHERS', 100, { integer: true });
const watchEvents = envNumber('BENCH_WATCH_EVENTS', 500, { integer: true });
const closedClients = envNumber('BENCH_CLIENTS', 64, { min: 1, integer: true });
const LIST_RATE = 100;
const LIST_OBJECTS = 100;
const WATCH_CREATE_RATE = 100;
const REQUEST_TIMEOUT_MS = 10_000;

interface Row {
  op: string;
  /** Wall-clock start of the phase and when (ms after it) its slowest request was due. */
  startedAtMs?: number;
  slowestAtMs?: number;
  mode: string;
  offered: string;
  ok: number;
  errors: number;
  achieved: number;
  p50: number;
  p99: number;
  max: number;
}

const snapshotEvery = process.env['BENCH_SNAPSHOT_EVERY_ENTRIES'];
const cluster = await startUpCluster(snapshotEvery === undefined ? {} : { snapshotEveryEntries: Number(snapshotEvery) });
// A fixed pool of connections, as a real client keeps: new TLS handshakes under load would
// measure the handshake, not the API.
const agent = new https.Agent({ keepAlive: true, maxSockets: closedClients, ca: cluster.caPem });
const server = new URL(cluster.server);

/** Why requests got no answer (status 0), by error code. */
const noAnswer = new Map<string, number>();

function send(method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request({
      host: server.hostname, port: server.port, method, path, agent, timeout: REQUEST_TIMEOUT_MS,
      headers: { authorization: `Bearer ${cluster.token}`, accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      noAnswer.set(error.code ?? error.message, (noAnswer.get(error.code ?? error.message) ?? 0) + 1);
      resolve(0);
    });
    req.end(payload);
  });
}

const configMap = (name: string, data: Record<string, string> = { v: 'x'.repeat(64) }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
/** Error answers by operation and HTTP status (0: no answer), to say what failed, not just how often. */
const failures = new Map<string, number>();
function ok(status: number, op = ''): boolean {
  if (status >= 200 && status < 300) return true;
  failures.set(`${op} ${status}`, (failures.get(`${op} ${status}`) ?? 0) + 1);
  return false;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function row(op: string, mode: string, offered: string, latencies: number[], errors: number, elapsedMs: number): Row {
  latencies.sort((a, b) => a - b);
  return { op, mode, offered, ok: latencies.length, errors, achieved: latencies.length / (elapsedMs / 1000), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? Number.NaN };
}

/** Open loop: request i is due at start + i/rate, sent then whatever the server's state. */
async function openLoop(op: string, perSecond: number, durationS: number, make: (i: number) => Promise<number>): Promise<Row> {
  const total = Math.round(perSecond * durationS);
  const latencies: number[] = [];
  let errors = 0;
  let slowest = { ms: -1, at: 0 };
  const inFlight: Array<Promise<void>> = [];
  const start = performance.now();
  const startedAtMs = Date.now();
  for (let i = 0; i < total;) {
    const now = performance.now();
    for (; i < total && start + (i * 1000) / perSecond <= now; i++) {
      const due = start + (i * 1000) / perSecond;
      inFlight.push(make(i).then((status) => {
        const ms = performance.now() - due;
        if (ms > slowest.ms) slowest = { ms, at: due - start };
        if (ok(status, op)) latencies.push(ms);
        else errors++;
      }));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  return { ...row(op, 'open', `${perSecond}/s`, latencies, errors, performance.now() - start), startedAtMs, slowestAtMs: slowest.at };
}

/** Closed loop: `clients` requests always in flight, for durationS. */
async function closedLoop(op: string, clients: number, durationS: number, make: (i: number) => Promise<number>): Promise<Row> {
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const start = performance.now();
  const deadline = start + durationS * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      if (ok(await make(issued++), op)) latencies.push(performance.now() - t0);
      else errors++;
    }
  }));
  return row(op, `closed, ${clients} clients`, 'max', latencies, errors, performance.now() - start);
}

/** A watch of one namespace's ConfigMaps; every ADDED event's delivery latency from its `sentAt`. */
function watch(namespace: string, resourceVersion: string, onEvent: (name: string, latencyMs: number) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: server.hostname, port: server.port, agent: false, ca: cluster.caPem,
      path: `/api/v1/namespaces/${namespace}/configmaps?watch=1&resourceVersion=${resourceVersion}&timeoutSeconds=600`,
      headers: { authorization: `Bearer ${cluster.token}` },
    }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
      let buffered = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        const now = performance.timeOrigin + performance.now();
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffered.slice(0, newline)) as { type: string; object: { metadata: { name: string }; data?: { sentAt?: string } } };
          buffered = buffered.slice(newline + 1);
          if (event.type === 'ADDED') onEvent(event.object.metadata.name, now - Number(event.object.data?.sentAt));
        }
      });
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

async function watchFanOut(): Promise<Row & { missing: number }> {
  const namespace = 'bench-watch';
  await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const listed = await new Promise<string>((resolve) => {
    https.get({ host: server.hostname, port: server.port, agent, path: `/api/v1/namespaces/${namespace}/configmaps`, headers: { authorization: `Bearer ${cluster.token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve((JSON.parse(text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion));
    });
  });
  const latencies: number[] = [];
  const received = Array.from({ length: watchers }, () => new Set<string>());
  const closers = await Promise.all(received.map((names) => watch(namespace, listed, (name, ms) => {
    names.add(name);
    latencies.push(ms);
  })));
  const start = performance.now();
  const created = await openLoop('watch-source create', WATCH_CREATE_RATE, watchEvents / WATCH_CREATE_RATE, (i) =>
    send('POST', `/api/v1/namespaces/${namespace}/configmaps`, configMap(`w-${i}`, { sentAt: String(performance.timeOrigin + performance.now()) })));
  const expected = created.ok;
  const deadline = Date.now() + 30_000;
  while (received.some((s) => s.size < expected) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const close of closers) close();
  const missing = received.reduce((sum, s) => sum + (expected - s.size), 0);
  return { ...row(`watch delivery (${watchers} watchers)`, 'fan-out', `${WATCH_CREATE_RATE} events/s`, latencies, created.errors, performance.now() - start), missing };
}

/** When each peer took a Raft snapshot (wall-clock ms), from the peers' logs. */
async function snapshotTimes(): Promise<Array<{ peer: string; atMs: number }>> {
  const found: Array<{ peer: string; atMs: number }> = [];
  for (const { id } of cluster.setup.peers) {
    const text = await readFile(path.join(cluster.setup.dataDir, id, 'peer.log'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (line.includes('snapshot taken')) found.push({ peer: id, atMs: (JSON.parse(line) as { time: number }).time });
    }
  }
  return found;
}

const rows: Row[] = [];
let missingEvents = 0;
let snapshots: Array<{ peer: string; atMs: number }> = [];
try {
  const listNamespace = 'bench-list';
  await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: listNamespace } });
  for (let i = 0; i < LIST_OBJECTS; i++) await send('POST', `/api/v1/namespaces/${listNamespace}/configmaps`, configMap(`l-${i}`));
  console.error('warming up');
  await closedLoop('warm-up', closedClients, 2, (i) => send('GET', `/api/v1/namespaces/${listNamespace}/configmaps/l-${i % LIST_OBJECTS}`));

  console.error(`create at ${rate}/s for ${seconds} s`);
  rows.push(await openLoop('create ConfigMap', rate, seconds, (i) => send('POST', '/api/v1/namespaces/default/configmaps', configMap(`open-${i}`))));
  console.error(`get at ${rate}/s for ${seconds} s`);
  const created = rows[0]!.ok;
  rows.push(await openLoop('get ConfigMap', rate, seconds, (i) => send('GET', `/api/v1/namespaces/default/configmaps/open-${i % Math.max(1, created)}`)));
  console.error(`list at ${LIST_RATE}/s for ${seconds} s`);
  rows.push(await openLoop(`list ${LIST_OBJECTS} ConfigMaps`, LIST_RATE, seconds, () => send('GET', `/api/v1/namespaces/${listNamespace}/configmaps`)));
  console.error('closed loop');
  rows.push(await closedLoop('create ConfigMap', closedClients, 5, (i) => send('POST', '/api/v1/namespaces/default/configmaps', configMap(`closed-${i}`))));
  rows.push(await closedLoop('get ConfigMap', closedClients, 5, (i) => send('GET', `/api/v1/namespaces/default/configmaps/open-${i % Math.max(1, created)}`)));
  console.error(`watch fan-out: ${watchers} watchers, ${watchEvents} events`);
  const fanOut = await watchFanOut();
  missingEvents = fanOut.missing;
  rows.push(fanOut);
  snapshots = await snapshotTimes();
} finally {
  agent.destroy();
  await cluster.stop();
}

const f = (n: number): string => (Number.isNaN(n) ? '-' : n.toFixed(n < 10 ? 2 : 0));
console.log(`\n3 peers via raftplane up, through the load balancer (TLS, bearer token), ${seconds} s per open-loop phase\n`);
console.log('| op | mode | offered | ok | errors | achieved/s | p50 ms | p99 ms | max ms |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.op} | ${r.mode} | ${r.offered} | ${r.ok} | ${r.errors} | ${f(r.achieved)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} |`);
for (const r of rows.filter((x) => x.startedAtMs !== undefined)) {
  const during = snapshots.filter((x) => x.atMs >= r.startedAtMs! && x.atMs <= r.startedAtMs! + seconds * 1000 + 2_000);
  const taken = during.map((x) => `${x.peer} at +${((x.atMs - r.startedAtMs!) / 1000).toFixed(1)} s`).join(', ');
  console.log(`${r.op} (open): slowest request due at +${((r.slowestAtMs ?? 0) / 1000).toFixed(1)} s; Raft snapshots during the phase: ${taken || 'none'}`);
}
if (noAnswer.size > 0) console.log(`\nno answer: ${[...noAnswer].map(([code, n]) => `${code}: ${n}`).join(', ')}`);
if (failures.size > 0) console.log(`\nerror answers: ${[...failures].map(([what, n]) => `${what}: ${n}`).join(', ')}`);
console.log(`\nwatch fan-out: ${missingEvents === 0 ? 'every watcher received every event' : `${missingEvents} event deliveries MISSING`}`);
