import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_FAULTS_PATH, handleAdminFaults } from '../apiserver/admin-faults.js';
import { pathOf, startApiServer, type ApiServer } from '../apiserver/http-server.js';
import { KubernetesApi } from '../apiserver/k8s/kubernetes-api.js';
import { TokenAuthenticator, ensureClusterCredentials } from '../apiserver/security/index.js';
import { defaultKindRegistry } from '../api/kinds/index.js';
import type { Logger } from '../util/logger.js';
import type { ClusterConfig } from './cluster-config.js';
import type { PeerRuntime } from './peer-runtime.js';

export interface PeerApi {
  readonly server: ApiServer;
  close(): Promise<void>;
}

/** Every name a client may dial to reach this cluster's API: peers and load balancer. */
export function clusterApiHosts(config: ClusterConfig): string[] {
  return [...new Set([config.loadBalancer.host, ...config.peers.map((p) => p.host)])];
}

/**
 * The peer's API port: the Kubernetes API over TLS (cluster CA and tokens from the
 * cluster data dir, made once by whichever process gets there first), and etcd's /v3
 * gateway, /healthz, /readyz and /metrics over TLS or plain HTTP on the same port;
 * /admin/faults (TLS, cluster admins) switches chaos faults on this peer's links.
 */
export async function startPeerApi(runtime: PeerRuntime, config: ClusterConfig, logger: Logger): Promise<PeerApi> {
  const credentials = await ensureClusterCredentials(config.dataDir, clusterApiHosts(config));
  const authenticator = new TokenAuthenticator(credentials.tokens);
  const kubernetes = new KubernetesApi({
    store: runtime.kv,
    registry: defaultKindRegistry(),
    authenticator,
    logger: logger.child({ component: 'kube-api' }),
    compactionIntervalMs: config.kubernetes.compactionIntervalSeconds * 1000,
    apiEndpoint: { host: config.loadBalancer.host, port: config.loadBalancer.port },
  });
  const adminLogger = logger.child({ component: 'admin' });
  const fallback = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    pathOf(req.url) === ADMIN_FAULTS_PATH
      ? handleAdminFaults(req, res, { authenticator, transport: runtime.transport, logger: adminLogger })
      : kubernetes.handle(req, res);
  const server = await startApiServer({
    host: runtime.spec.host,
    port: runtime.spec.apiPort,
    store: runtime.kv,
    logger: logger.child({ component: 'api' }),
    metrics: runtime.metrics,
    fallback,
    tls: { key: credentials.serving.privateKeyPem, cert: credentials.serving.certificatePem },
    trace: runtime.trace,
  });
  void kubernetes.start();
  return {
    server,
    close: async () => {
      kubernetes.stop();
      await server.close();
    },
  };
}
