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
    this.states = backends.map((backend) => ({ backend, healthy: true, failures: 0, passes: 0, activeConnections: 0, totalConnections: 0, lastError: '' }));
  }

  list(): readonly BackendState[] {
    return this.states;
  }

  /** The next backend for a connection, skipping `exclude` (already tried); undefined when none is healthy. */
  pick(exclude: ReadonlySet<string> = new Set()): BackendState | undefined {
    const candidates = this.states.filter((s) => s.healthy && !exclude.has(s.backend.id));
    if (candidates.length === 0) return undefined;
    const fewest = Math.min(...candidates.map((s) => s.activeConnections));
    const tied = candidates.filter((s) => s.activeConnections === fewest);
    this.cursor = (this.cursor + 1) % tied.length;
    return tied[this.cursor];
  }

  /** Records a health check result; returns true when the backend changed state. */
  report(id: string, ok: boolean, error = ''): boolean {
    const state = this.states.find((s) => s.backend.id === id);
    if (state === undefined) return false;
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
    if (state === undefined || !state.healthy) return false;
    state.healthy = false;
    state.passes = 0;
    state.failures = this.thresholds.fall;
    state.lastError = error;
    return true;
  }
}
