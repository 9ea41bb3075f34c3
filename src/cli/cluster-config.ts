import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { RaftplaneError } from '../util/errors.js';

export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_UNREADABLE';

export interface PeerSpec {
  readonly id: string;
  readonly host: string;
  readonly peerPort: number;
  readonly apiPort: number;
}

export interface ClusterConfig {
  readonly name: string;
  /** Absolute; each peer's data lives under <dataDir>/<peer id>. */
  readonly dataDir: string;
  readonly peers: readonly PeerSpec[];
  readonly loadBalancer: { readonly host: string; readonly port: number };
  readonly raft: RaftSettings;
  readonly kubernetes: KubernetesSettings;
  /**
   * Where the shared peer-link secret comes from. Peers on one machine share
   * <dataDir>/cluster-secret (created on first start); peers on separate hosts name a
   * file (`secretFile`, relative to the config file) or give the secret inline (`secret`).
   */
  readonly secret: SecretSource;
  /** Where the file was read from. */
  readonly file: string;
}

export interface RaftSettings {
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  /** Snapshot and compact the log after this many applied entries (peer default when absent). */
  readonly snapshotEveryEntries?: number;
  /** Snapshot once the entries applied since the last one hold this many bytes, if sooner (peer default when absent). */
  readonly snapshotEveryBytes?: number;
  /** Entries kept behind a snapshot for slightly slow followers (peer default when absent). */
  readonly compactionMarginEntries?: number;
}

export interface KubernetesSettings {
  /** Seconds between compactions of the store history (kube-apiserver's default 300); 0 turns them off. */
  readonly compactionIntervalSeconds: number;
}

export type SecretSource =
  | { readonly kind: 'data-dir' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'inline'; readonly value: string };

const PEER_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Reads and validates a cluster YAML file. Relative data dirs resolve against the working directory. */
export function loadClusterConfig(file: string, dataDirOverride?: string): ClusterConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RaftplaneError<ConfigErrorCode>('CONFIG_UNREADABLE', `cannot read cluster config ${file}: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw invalid(file, `not valid YAML: ${(error as Error).message}`);
  }
  return validateClusterConfig(doc, file, dataDirOverride);
}

export function validateClusterConfig(doc: unknown, file: string, dataDirOverride?: string): ClusterConfig {
  const root = object(doc, file, 'the document');
  const name = str(root['name'], file, 'name');
  const peersRaw = root['peers'];
  if (!Array.isArray(peersRaw) || peersRaw.length === 0) throw invalid(file, 'peers: must be a non-empty list');
  const peers = peersRaw.map((p, i) => {
    const o = object(p, file, `peers[${i}]`);
    const id = str(o['id'], file, `peers[${i}].id`);
    if (!PEER_ID.test(id)) throw invalid(file, `peers[${i}].id: "${id}" must be a DNS-1123 label`);
    return { id, host: str(o['host'], file, `peers[${i}].host`), peerPort: port(o['peerPort'], file, `peers[${i}].peerPort`), apiPort: port(o['apiPort'], file, `peers[${i}].apiPort`) };
  });
  const ids = new Set(peers.map((p) => p.id));
  if (ids.size !== peers.length) throw invalid(file, 'peers: ids must be unique');
  const endpoints = peers.flatMap((p) => [`${p.host}:${p.peerPort}`, `${p.host}:${p.apiPort}`]);
  const taken = endpoints.find((e, i) => endpoints.indexOf(e) !== i);
  if (taken !== undefined) throw invalid(file, `peers: ${taken} is used twice (every peer port and API port on a host must differ)`);
  const lbRaw = object(root['loadBalancer'] ?? { host: '127.0.0.1', port: 6443 }, file, 'loadBalancer');
  const raftRaw = object(root['raft'] ?? {}, file, 'raft');
  const heartbeatMs = timerMs(raftRaw['heartbeatMs'] ?? 50, file, 'raft.heartbeatMs');
  const electionTimeoutMs = timerMs(raftRaw['electionTimeoutMs'] ?? 500, file, 'raft.electionTimeoutMs');
  if (electionTimeoutMs < 3 * heartbeatMs) throw invalid(file, 'raft.electionTimeoutMs must be at least 3 × heartbeatMs');
  const snapshotEveryEntries = optionalCount(raftRaw['snapshotEveryEntries'], file, 'raft.snapshotEveryEntries');
  const snapshotEveryBytes = optionalCount(raftRaw['snapshotEveryBytes'], file, 'raft.snapshotEveryBytes');
  const compactionMarginEntries = optionalCount(raftRaw['compactionMarginEntries'], file, 'raft.compactionMarginEntries');
  const kubernetesRaw = object(root['kubernetes'] ?? {}, file, 'kubernetes');
  const compactionIntervalSeconds = kubernetesRaw['compactionIntervalSeconds'] ?? 300;
  if (typeof compactionIntervalSeconds !== 'number' || !Number.isSafeInteger(compactionIntervalSeconds) || compactionIntervalSeconds < 0) {
    throw invalid(file, 'kubernetes.compactionIntervalSeconds: must be an integer >= 0 (0 turns compaction off)');
  }
  const dataDirRaw = dataDirOverride ?? (typeof root['dataDir'] === 'string' ? root['dataDir'] : `./data/${name}`);
  return {
    name,
    dataDir: path.resolve(dataDirRaw),
    peers,
    loadBalancer: { host: str(lbRaw['host'], file, 'loadBalancer.host'), port: port(lbRaw['port'], file, 'loadBalancer.port') },
    raft: {
      heartbeatMs,
      electionTimeoutMs,
      ...(snapshotEveryEntries !== undefined ? { snapshotEveryEntries } : {}),
      ...(snapshotEveryBytes !== undefined ? { snapshotEveryBytes } : {}),
      ...(compactionMarginEntries !== undefined ? { compactionMarginEntries } : {}),
    },
    kubernetes: { compactionIntervalSeconds },
    secret: secretSource(root, file),
    file,
  };
}

function secretSource(root: Record<string, unknown>, file: string): SecretSource {
  if (root['secret'] !== undefined && root['secretFile'] !== undefined) throw invalid(file, 'give either secret or secretFile, not both');
  if (root['secret'] !== undefined) {
    const value = str(root['secret'], file, 'secret');
    if (Buffer.byteLength(value.trim()) < 16) throw invalid(file, 'secret: must be at least 16 bytes');
    return { kind: 'inline', value };
  }
  if (root['secretFile'] !== undefined) {
    return { kind: 'file', path: path.resolve(path.dirname(path.resolve(file)), str(root['secretFile'], file, 'secretFile')) };
  }
  return { kind: 'data-dir' };
}

/** The URL a peer's client API listens on. */
export function apiUrlOf(peer: PeerSpec): string {
  return `http://${hostForUrl(peer.host)}:${peer.apiPort}`;
}

/** The URL of a peer's link listener. */
export function peerUrlOf(peer: PeerSpec): string {
  return `ws://${hostForUrl(peer.host)}:${peer.peerPort}`;
}

export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function optionalCount(v: unknown, file: string, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw invalid(file, `${what}: must be a positive integer`);
  return v;
}

function invalid(file: string, message: string): RaftplaneError<ConfigErrorCode> {
  return new RaftplaneError<ConfigErrorCode>('CONFIG_INVALID', `${file}: ${message}`);
}

function object(v: unknown, file: string, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(file, `${what} must be a mapping`);
  return v as Record<string, unknown>;
}

function str(v: unknown, file: string, what: string): string {
  if (typeof v !== 'string' || v.length === 0) throw invalid(file, `${what}: must be a non-empty string`);
  return v;
}

function port(v: unknown, file: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw invalid(file, `${what}: must be a port number (1-65535)`);
  return v;
}

/** Milliseconds a timer can be set to: whole, at least 1, and within setTimeout's range (a day is plenty). */
const TIMER_MS_MAX = 24 * 60 * 60 * 1000;

function timerMs(v: unknown, file: string, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > TIMER_MS_MAX) {
    throw invalid(file, `${what}: must be a whole number of milliseconds from 1 to ${TIMER_MS_MAX}`);
  }
  return v;
}

