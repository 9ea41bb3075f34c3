import { isIP } from 'node:net';
import type { FieldError } from '../../api/field-errors.js';
import type { KindRegistry } from '../../api/registry.js';
import type { KubeObject } from '../../api/object.js';
import { createUnlessExists } from './namespaces-bootstrap.js';
import { ExtrasConflictError, type ResourceStore } from './resource-store.js';
import type { ServiceAllocator } from './service-allocator.js';

/** Where clients reach the Kubernetes API of this cluster: the load balancer. */
export interface ApiEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * The `default/kubernetes` Service every cluster has (kube-apiserver's bootstrap
 * controller): ClusterIP the first address of the service range, port 443 named https,
 * and Endpoints naming the API's address, here the load balancer in front of the peers.
 * Idempotent like the namespaces: every peer runs it, and AlreadyExists counts as done.
 * Endpoints are written only when the host is an IP address, as Endpoints require.
 */
export async function ensureDefaultService(
  store: ResourceStore,
  registry: KindRegistry,
  services: ServiceAllocator,
  endpoint: ApiEndpoint,
  nowMs: number,
  warn: (message: string) => void,
): Promise<void> {
  const serviceKind = registry.byResource('', 'v1', 'services');
  if (serviceKind !== undefined && (await store.get(serviceKind, 'default', 'kubernetes')) === undefined) {
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: services.firstIp,
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: endpoint.port }],
        sessionAffinity: 'None',
      },
    };
    try {
      warnInvalid(await createUnlessExists(store, serviceKind, service, nowMs, (obj) => services.allocate(obj, undefined).extras), 'Service', warn);
    } catch (error) {
      if (!(error instanceof ExtrasConflictError)) throw error;
      warn(`the first service address ${services.firstIp} is taken by another Service: default/kubernetes not created`);
    }
  }
  const endpointsKind = registry.byResource('', 'v1', 'endpoints');
  if (endpointsKind === undefined || isIP(endpoint.host) === 0) return;
  if ((await store.get(endpointsKind, 'default', 'kubernetes')) !== undefined) return;
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: endpoint.host }], ports: [{ name: 'https', port: endpoint.port, protocol: 'TCP' }] }],
  };
  warnInvalid(await createUnlessExists(store, endpointsKind, endpoints, nowMs), 'Endpoints', warn);
}

function warnInvalid(errors: readonly FieldError[], kind: string, warn: (message: string) => void): void {
  if (errors.length > 0) warn(`default ${kind} kubernetes is invalid, not created: ${errors.map((e) => `${e.field}: ${e.detail}`).join('; ')}`);
}

