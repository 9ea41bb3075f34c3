import { CliError } from './cli-error.js';
import type { PeerSpec } from './cluster-config.js';
import { isRaftplaneError } from '../util/errors.js';
import { postJson } from './http-json.js';
import { leaderOf, probeCluster } from './peer-probe.js';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends etcd gateway requests to a cluster known only by its config: the leader first
 * (membership changes and promotions are decided there), then any other reachable
 * peer. Like etcdctl with several --endpoints, it moves on when a peer cannot be reached.
 */
export class ClusterClient {
  constructor(private readonly peers: readonly PeerSpec[]) {}

  async call(path: string, body: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Record<string, unknown>> {
    const order = await this.leaderFirst();
    const failures: string[] = [];
    for (const api of order) {
      try {
        return await postJson(api, path, body, timeoutMs);
      } catch (error) {
        if (!isRaftplaneError(error, 'CLI_UNREACHABLE')) throw error;
        failures.push((error as Error).message);
      }
    }
    throw new CliError('CLI_UNREACHABLE', `no peer answered ${path}: ${failures.join('; ')}`);
  }

  private async leaderFirst(): Promise<string[]> {
    const probes = await probeCluster(this.peers, 2_000);
    const leader = leaderOf(probes);
    const reachable = probes.filter((p) => p.reachable && p !== leader).map((p) => p.api);
    const unreachable = probes.filter((p) => !p.reachable).map((p) => p.api);
    return [...(leader !== undefined ? [leader.api] : []), ...reachable, ...unreachable];
  }
}
