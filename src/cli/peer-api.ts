import { startApiServer, type ApiServer } from '../apiserver/http-server.js';
import type { Logger } from '../util/logger.js';
import type { PeerRuntime } from './peer-runtime.js';

/**
 * The peer's API port: etcd's /v3 gateway, /healthz, /readyz and /metrics over its
 * KV. The Kubernetes API plugs in as the server's fallback once it exists.
 */
export function startPeerApi(runtime: PeerRuntime, logger: Logger): Promise<ApiServer> {
  return startApiServer({
    host: runtime.spec.host,
    port: runtime.spec.apiPort,
    store: runtime.kv,
    logger: logger.child({ component: 'api' }),
    metrics: runtime.metrics,
  });
}
