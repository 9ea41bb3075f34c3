/**
 * Every kind raftplane serves, in discovery order. Adding a kind: one file in this folder,
 * one line here.
 */
import type { KindDeclaration } from '../kind.js';
import { KindRegistry } from '../registry.js';
import { configMapKind } from './config-map.js';
import { daemonSetKind } from './daemon-set.js';
import { deploymentKind } from './deployment.js';
import { endpointsKind } from './endpoints.js';
import { eventKind } from './event.js';
import { jobKind } from './job.js';
import { leaseKind } from './lease.js';
import { namespaceKind } from './namespace.js';
import { nodeKind } from './node.js';
import { podKind } from './pod.js';
import { secretKind } from './secret.js';
import { serviceAccountKind } from './service-account.js';
import { serviceKind } from './service.js';
import { replicaSetKind } from './replica-set.js';
import { statefulSetKind } from './stateful-set.js';

export const KIND_DECLARATIONS: readonly KindDeclaration[] = [
  namespaceKind,
  podKind,
  nodeKind,
  serviceKind,
  endpointsKind,
  configMapKind,
  secretKind,
  eventKind,
  serviceAccountKind,
  deploymentKind,
  replicaSetKind,
  daemonSetKind,
  statefulSetKind,
  jobKind,
  leaseKind,
];

/** The registry of everything above; build your own KindRegistry to serve a different set. */
export function defaultKindRegistry(): KindRegistry {
  return new KindRegistry(KIND_DECLARATIONS);
}
