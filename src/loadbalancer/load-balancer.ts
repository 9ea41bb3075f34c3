import { BackendPool, type Backend, type BackendState } from './backend-pool.js';
import { HealthChecker } from './health-checker.js';
import { TcpProxy } from './tcp-proxy.js';
import type { Logger } from '../util/logger.js';

export interface LoadBalancerOptions {
  readonly host: string;
  readonly port: number;
  readonly backends: readonly Backend[];
  readonly logger: Logger;
  /** Health check period; with fall 2 a dead peer leaves rotation within about 2 × this. */
  readonly checkIntervalMs?: number;
  readonly checkTimeoutMs?: number;
  readonly fall?: number;
  readonly rise?: number;
  readonly connectTimeoutMs?: number;
  readonly connectionsMax?: number;
  /** CA for https health checks. */
  readonly ca?: string | Buffer;
}

export interface RunningLoadBalancer {
  /** host:port it listens on. */
  readonly address: { readonly host: string; readonly port: number };
  backends(): readonly BackendState[];
  close(): Promise<void>;
}

/** The API load balancer: health-checked layer-4 proxy in front of every peer's API port. */
export async function startLoadBalancer(options: LoadBalancerOptions): Promise<RunningLoadBalancer> {
  const pool = new BackendPool(options.backends, { fall: options.fall ?? 2, rise: options.rise ?? 2 });
  const checker = new HealthChecker(
    pool,
    { intervalMs: options.checkIntervalMs ?? 250, timeoutMs: options.checkTimeoutMs ?? 400, ...(options.ca !== undefined ? { ca: options.ca } : {}) },
    options.logger,
  );
  const proxy = new TcpProxy(
    pool,
    { host: options.host, port: options.port, connectTimeoutMs: options.connectTimeoutMs ?? 1000, connectionsMax: options.connectionsMax ?? 10_000 },
    options.logger,
  );
  const address = await proxy.listen();
  checker.start();
  return {
    address,
    backends: () => pool.list(),
    close: async () => {
      checker.stop();
      await proxy.close();
    },
  };
}
