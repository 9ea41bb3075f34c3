import type { Command } from 'commander';
import { apiUrlOf, loadClusterConfig, type ClusterConfig } from './cluster-config.js';
import type { Backend } from '../loadbalancer/backend-pool.js';
import { renderHaproxyConfig } from '../loadbalancer/haproxy-config.js';
import { startLoadBalancer } from '../loadbalancer/load-balancer.js';
import { createLogger } from '../util/logger.js';

/** The backends of a cluster: every peer's API port, checked at /readyz. */
export function backendsOf(config: ClusterConfig): Backend[] {
  return config.peers.map((peer) => ({
    id: peer.id,
    host: peer.host,
    port: peer.apiPort,
    healthUrl: `${apiUrlOf(peer)}/readyz`,
  }));
}

export function registerLoadBalancerCommands(program: Command): void {
  program
    .command('haproxy-config')
    .description('print an HAProxy configuration that balances the cluster API like the built-in balancer')
    .requiredOption('--config <file>', 'cluster config (YAML)')
    .option('--stats-socket <path>', 'also open an HAProxy admin socket at this path')
    .action((options: { config: string; statsSocket?: string }) => {
      const config = loadClusterConfig(options.config);
      process.stdout.write(
        renderHaproxyConfig({
          name: config.name,
          bind: config.loadBalancer,
          backends: backendsOf(config),
          ...(options.statsSocket !== undefined ? { statsSocket: options.statsSocket } : {}),
        }),
      );
    });

  program
    .command('lb')
    .description('run only the API load balancer of a cluster (for peers on other hosts)')
    .requiredOption('--config <file>', 'cluster config (YAML)')
    .action(async (options: { config: string }) => {
      const config = loadClusterConfig(options.config);
      const logger = createLogger({ component: 'loadbalancer' });
      const lb = await startLoadBalancer({ ...config.loadBalancer, backends: backendsOf(config), logger });
      process.stdout.write(`load balancer for ${config.name} on ${lb.address.host}:${lb.address.port}\n`);
      const stop = (): void => void lb.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
