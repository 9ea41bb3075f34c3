import { mkdir, readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { SYSTEM_NAMESPACES } from '../apiserver/k8s/namespaces-bootstrap.js';
import { ensureClusterCredentials, writeKubeconfig } from '../apiserver/security/index.js';
import { startLoadBalancer } from '../loadbalancer/load-balancer.js';
import { createLogger } from '../util/logger.js';
import { backendsOf } from './loadbalancer-commands.js';
import { clusterApiHosts } from './peer-api.js';
import { hostForUrl, loadClusterConfig, type ClusterConfig } from './cluster-config.js';
import { resolveClusterSecret } from './cluster-secret-source.js';
import { writeEndpointsFile } from './endpoints-file.js';
import { leaderOf, probeCluster, type PeerProbe } from './peer-probe.js';
import { PeerSupervisor, peerLogPath, type PeerExit } from './peer-supervisor.js';
import { stopRuntimePeers } from './runtime-peers.js';
import { sleepMs, stopSignal } from './stop-signal.js';

const READY_TIMEOUT_MS = 30_000;
const POLL_MS = 150;
/** How long a peer gets for leadership transfer and a clean stop before SIGKILL. */
export const PEER_STOP_GRACE_MS = 5_000;

/**
 * `raftplane up`: every peer of the config as its own child process, supervised until
 * SIGINT/SIGTERM. Run again on the same data dir, it restarts the same cluster.
 */
export async function runUpCommand(options: { config: string; dataDir?: string }, write: (line: string) => void, warn: (line: string) => void): Promise<number> {
  const config = loadClusterConfig(options.config, options.dataDir);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await resolveClusterSecret(config); // created once here, so every child reads the same one
  const credentials = await ensureClusterCredentials(config.dataDir, clusterApiHosts(config)); // likewise the CA and tokens
  const stop = stopSignal();
  let startupFailure: PeerExit | undefined;
  const supervisor = new PeerSupervisor((exit) => {
    if (exit.expected) return;
    startupFailure ??= exit;
    warn(`peer ${exit.id} exited unexpectedly (${exit.signal ?? `code ${exit.code}`}); the other peers keep running. Log: ${peerLogPath(config.dataDir, exit.id)}`);
  });
  for (const peer of config.peers) supervisor.start({ id: peer.id, configFile: config.file, dataDir: config.dataDir });

  const ready = async (): Promise<ReadyOutcome> => {
    const started = Date.now();
    const peers = await waitUntilReady(config, () => startupFailure);
    return peers.kind === 'ready' ? waitForSystemNamespaces(config, credentials, READY_TIMEOUT_MS - (Date.now() - started), peers) : peers;
  };
  const outcome = await Promise.race([stop.then(() => 'signal' as const), ready()]);
  if (outcome === 'signal' || outcome.kind === 'failed') {
    if (outcome !== 'signal') warn(outcome.message);
    await supervisor.stopAll(PEER_STOP_GRACE_MS);
    return outcome === 'signal' ? 0 : 1;
  }
  const endpointsPath = await writeEndpointsFile(config);
  let balancer;
  try {
    balancer = await startLoadBalancer({ ...config.loadBalancer, backends: backendsOf(config), logger: createLogger({ component: 'loadbalancer' }) });
  } catch (error) {
    warn(`cannot start the load balancer on ${config.loadBalancer.host}:${config.loadBalancer.port}: ${(error as Error).message}`);
    await supervisor.stopAll(PEER_STOP_GRACE_MS);
    return 1;
  }
  const kubeconfigPath = path.join(config.dataDir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, {
    serverUrl: `https://${hostForUrl(config.loadBalancer.host)}:${config.loadBalancer.port}`,
    caCertificatePem: credentials.ca.certificatePem,
    token: credentials.adminToken,
    clusterName: config.name,
  });
  write(`ready ${config.name}: ${config.peers.length} peers, leader ${outcome.leader}, load balancer ${config.loadBalancer.host}:${config.loadBalancer.port}, kubeconfig ${kubeconfigPath}, endpoints ${endpointsPath}, logs ${config.dataDir}/<id>/peer.log`);
  write(`try: kubectl --kubeconfig ${kubeconfigPath} get nodes,namespaces   status: npx raftplane status --config ${options.config}   (Ctrl-C stops the cluster)`);

  const signal = await stop;
  warn(`${signal}: stopping ${config.name}`);
  await balancer.close();
  await supervisor.stopAll(PEER_STOP_GRACE_MS);
  await stopRuntimePeers(options, supervisor.launched, PEER_STOP_GRACE_MS);
  return 0;
}

type ReadyOutcome = { kind: 'ready'; leader: string } | { kind: 'failed'; message: string };

/** Polls every peer until one leads and all report ready, or a child dies, or time runs out. */
async function waitUntilReady(config: ClusterConfig, failure: () => PeerExit | undefined): Promise<ReadyOutcome> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let probes: PeerProbe[] = [];
  while (Date.now() < deadline) {
    const died = failure();
    if (died !== undefined) return { kind: 'failed', message: `peer ${died.id} failed to start:\n${await logTail(peerLogPath(config.dataDir, died.id))}` };
    probes = await probeCluster(config.peers, 1_000);
    const leader = leaderOf(probes);
    if (leader !== undefined && probes.every((p) => p.ready)) return { kind: 'ready', leader: leader.id };
    await sleepMs(POLL_MS);
  }
  const waiting = probes.filter((p) => !p.ready).map((p) => `${p.id} (${p.problem ?? 'not ready'})`);
  return { kind: 'failed', message: `cluster ${config.name} not ready after ${READY_TIMEOUT_MS} ms; waiting for: ${waiting.join(', ') || 'a leader'}` };
}

/**
 * The peers create the system namespaces once a leader is elected; `ready` waits for them
 * (as kube-apiserver's /readyz waits for its bootstrap hooks), so a client that starts at
 * the ready line finds "default". The last one created stands for all.
 */
async function waitForSystemNamespaces(config: ClusterConfig, credentials: { ca: { certificatePem: string }; adminToken: string }, timeoutMs: number, ready: ReadyOutcome): Promise<ReadyOutcome> {
  const name = SYSTEM_NAMESPACES[SYSTEM_NAMESPACES.length - 1];
  const deadline = Date.now() + Math.max(0, timeoutMs);
  for (let i = 0; Date.now() < deadline; i++) {
    const peer = config.peers[i % config.peers.length]!;
    const url = `https://${hostForUrl(peer.host)}:${peer.apiPort}/api/v1/namespaces/${name}`;
    if ((await httpsStatus(url, credentials.ca.certificatePem, credentials.adminToken)) === 200) return ready;
    await sleepMs(POLL_MS);
  }
  return { kind: 'failed', message: `cluster ${config.name}: namespace ${name} not created after ${READY_TIMEOUT_MS} ms` };
}

function httpsStatus(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 1_000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-5).join('\n');
}
