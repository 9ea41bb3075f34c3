import http from 'node:http';
import https from 'node:https';
import type { BackendPool } from './backend-pool.js';
import type { Logger } from '../util/logger.js';

export interface HealthCheckOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** CA bundle for https health URLs; without one the peer's certificate is not verified (a probe carries no secret). */
  readonly ca?: string | Buffer;
}

/**
 * Asks every backend's /readyz on a fixed interval. A peer is ready when it knows a
 * leader and has applied what it knows is committed, so a partitioned minority peer
 * drops out of rotation as well as a dead one.
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly pool: BackendPool,
    private readonly options: HealthCheckOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.checkAll();
    this.timer = setInterval(() => this.checkAll(), this.options.intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private checkAll(): void {
    for (const state of this.pool.list()) {
      const id = state.backend.id;
      if (this.inFlight.has(id)) continue;
      this.inFlight.add(id);
      void this.probe(state.backend.healthUrl).then(({ error, answered }) => {
        this.inFlight.delete(id);
        if (this.timer === undefined) return;
        const wasDegraded = this.pool.degraded;
        if (this.pool.report(id, error === '', error, answered)) {
          const healthy = error === '';
          this.logger.info({ backend: id, healthy, error }, healthy ? 'backend up' : 'backend down');
        }
        if (this.pool.degraded !== wasDegraded) {
          if (this.pool.degraded) this.logger.warn('no backend is ready: routing to the peers whose API answers');
          else this.logger.info('a backend is ready again: routing to ready peers only');
        }
      });
    }
  }

  /** error: '' when the backend answered 200, else the reason; answered: it answered at all. */
  private probe(url: string): Promise<{ error: string; answered: boolean }> {
    return new Promise((resolve) => {
      const target = new URL(url);
      const client = target.protocol === 'https:' ? https : http;
      const tlsOptions = target.protocol === 'https:' ? (this.options.ca !== undefined ? { ca: this.options.ca } : { rejectUnauthorized: false }) : {};
      const req = client.get(target, { timeout: this.options.timeoutMs, agent: false, ...tlsOptions }, (res) => {
        res.resume();
        resolve({ error: res.statusCode === 200 ? '' : `readyz answered ${res.statusCode ?? 0}`, answered: true });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', (error) => resolve({ error: error.message, answered: false }));
    });
  }
}
