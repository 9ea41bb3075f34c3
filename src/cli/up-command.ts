import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
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

  const outcome = await Promise.race([stop.then(() => 'signal' as const), waitUntilReady(config, () => startupFailure)]);
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

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-5).join('\n');
}
