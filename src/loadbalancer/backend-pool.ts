/** One API peer behind the load balancer. */
export interface Backend {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** Where the health check asks, e.g. http://127.0.0.1:2389/readyz. */
  readonly healthUrl: string;
}

export interface BackendState {
  readonly backend: Backend;
  healthy: boolean;
  /**
   * The last health check got an HTTP answer, whatever its status: the peer's API is up
   * even if it is not ready (e.g. no leader during an election). False after a check
   * that could not connect or timed out, and after a refused connection.
   */
  answering: boolean;
  /** Consecutive failed or passed checks, for the fall/rise thresholds. */
  failures: number;
  passes: number;
  activeConnections: number;
  totalConnections: number;
  lastError: string;
}

/**
 * The backends and their health. New connections go to the healthy backend with the
 * fewest active connections (ties broken round-robin), so long-lived watches do not
 * pile onto one peer.
 *
 * When no backend is ready, connections go to the backends whose API still answers.
 * Every peer reports "not ready" while the cluster elects a new leader, so without this
 * each failover would refuse every new connection for about a second. The peer holds a
 * request until a leader is elected, or fails it with the etcd or Kubernetes error a
 * client knows ("etcdserver: request timed out"), as kube-apiserver stays reachable when
 * etcd loses its quorum.
 */
export class BackendPool {
  private readonly states: BackendState[];
  private cursor = 0;

  constructor(
    backends: readonly Backend[],
    private readonly thresholds: { readonly fall: number; readonly rise: number },
  ) {
    // Until the first check says otherwise, assume a backend is up: a freshly started
    // balancer in front of a running cluster serves at once.
    this.states = backends.map((backend) => ({ backend, healthy: true, answering: true, failures: 0, passes: 0, activeConnections: 0, totalConnections: 0, lastError: '' }));
  }

  list(): readonly BackendState[] {
    return this.states;
  }

  /**
   * The next backend for a connection, skipping `exclude` (already tried): a healthy one,
   * else (no backend healthy at all) one whose API answers; undefined when none does.
   */
  pick(exclude: ReadonlySet<string> = new Set()): BackendState | undefined {
    const open = this.states.filter((s) => !exclude.has(s.backend.id));
    const candidates = this.states.some((s) => s.healthy) ? open.filter((s) => s.healthy) : open.filter((s) => s.answering);
    if (candidates.length === 0) return undefined;
    const fewest = Math.min(...candidates.map((s) => s.activeConnections));
    const tied = candidates.filter((s) => s.activeConnections === fewest);
    this.cursor = (this.cursor + 1) % tied.length;
    return tied[this.cursor];
  }

  /** True when no backend is ready, so pick() falls back to those that answer. */
  get degraded(): boolean {
    return !this.states.some((s) => s.healthy);
  }

  /**
   * Records a health check result; returns true when the backend changed state.
   * `answered`: the check got an HTTP answer (a ready peer always does).
   */
  report(id: string, ok: boolean, error = '', answered = ok): boolean {
    const state = this.states.find((s) => s.backend.id === id);
    if (state === undefined) return false;
    state.answering = ok || answered;
    if (ok) {
      state.failures = 0;
      state.passes++;
      if (!state.healthy && state.passes >= this.thresholds.rise) {
        state.healthy = true;
        return true;
      }
      return false;
    }
    state.passes = 0;
    state.failures++;
    state.lastError = error;
    if (state.healthy && state.failures >= this.thresholds.fall) {
      state.healthy = false;
      return true;
    }
    return false;
  }

  /** A refused connection is proof enough: take the backend out at once. */
  markDown(id: string, error: string): boolean {
    const state = this.states.find((s) => s.backend.id === id);
    if (state === undefined) return false;
    state.answering = false;
    if (!state.healthy) return false;
    state.healthy = false;
    state.passes = 0;
    state.failures = this.thresholds.fall;
    state.lastError = error;
    return true;
  }
}
