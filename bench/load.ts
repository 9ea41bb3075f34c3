import http from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly throughputPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LoadOptions {
  /**
   * Base URLs. Each client sends its requests to the members in turn, starting with
   * endpoints[i % endpoints.length]: with fewer clients than members (one client), a
   * fixed member would make the figure depend on whether it happens to be the leader.
   */
  readonly endpoints: readonly string[];
  readonly clients: number;
  readonly durationMs: number;
  /** Most requests in all, so a run is bounded in count as well as time. */
  readonly requestsMax: number;
  /** Makes the i-th request: path and JSON body. */
  readonly request: (i: number) => { path: string; body: unknown };
  /** Told of every answered request: wall-clock start (ms since the epoch), latency, member index. */
  readonly onAnswer?: (startMs: number, latencyMs: number, endpoint: number) => void;
}

/** Closed-loop load: each client sends its next request when the previous one is answered. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agents = options.endpoints.map(() => new http.Agent({ keepAlive: true, maxSockets: options.clients }));
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async (index: number): Promise<void> => {
    let endpoint = index % options.endpoints.length;
    while (performance.now() < deadline && issued < options.requestsMax) {
      const { path, body } = options.request(issued++);
      endpoint = (endpoint + 1) % options.endpoints.length;
      const t0 = performance.now();
      const ok = await post(`${options.endpoints[endpoint]}${path}`, body, agents[endpoint]!);
      if (!ok) {
        errors++;
        continue;
      }
      const latencyMs = performance.now() - t0;
      latencies.push(latencyMs);
      options.onAnswer?.(performance.timeOrigin + t0, latencyMs, endpoint);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  const seconds = (performance.now() - started) / 1000;
  for (const agent of agents) agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    throughputPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function post(url: string, body: unknown, agent: http.Agent): Promise<boolean> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end(payload);
  });
}
