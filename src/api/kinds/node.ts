/** core/v1 Node: cluster-scoped; kubelets register with status; `kubectl cordon` sets spec.unschedulable. */
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { nameIsDnsSubdomain } from '../validation/names.js';
import { child, type FieldError, index, invalid, notSupported, required } from '../field-errors.js';
import { isQualifiedName } from '../validation/names.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: Taint[]; podCIDR?: string; podCIDRs?: string[]; providerID?: string };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: NodeCondition[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string; [k: string]: unknown };
  };
}

/** printNode's STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatusText(node: Node): string {
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').pop();
  const parts = ready === undefined ? ['Unknown'] : [ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** findNodeRoles: `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [labelKey, labelValue] of Object.entries(node.metadata.labels ?? {})) {
    if (labelKey.startsWith('node-role.kubernetes.io/')) {
      const role = labelKey.slice('node-role.kubernetes.io/'.length);
      if (role !== '') roles.add(role);
    } else if (labelKey === 'kubernetes.io/role' && labelValue !== '') {
      roles.add(labelValue);
    }
  }
  return [...roles].sort();
}

const address = (node: Node, type: string): string => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
const orUnknown = (value: string | undefined): string => (value ? value : '<unknown>');

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTaints(node: Node): FieldError[] {
  const errors: FieldError[] = [];
  (node.spec?.taints ?? []).forEach((taint, i) => {
    const at = index('spec.taints', i);
    for (const message of isQualifiedName(taint.key ?? '')) errors.push(invalid(child(at, 'key'), taint.key ?? '', message));
    if (!taint.effect) errors.push(required(child(at, 'effect')));
    else if (!TAINT_EFFECTS.includes(taint.effect)) errors.push(notSupported(child(at, 'effect'), taint.effect, TAINT_EFFECTS));
  });
  return errors;
}

const statusRules = statusPrepareRules<Node>({ generation: false, keepStatusOnCreate: true });

export const nodeKind = defineKind<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  resource: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  categories: [],
  namespaced: false,
  verbs: ALL_VERBS,
  subresources: [{ name: 'status', group: '', version: 'v1', kind: 'Node', verbs: ['get', 'patch', 'update'] }],
  defaults(node) {
    const status = node.status;
    // SetDefaults_NodeStatus: allocatable defaults to capacity.
    if (status?.capacity !== undefined && status.allocatable === undefined) status.allocatable = { ...status.capacity };
  },
  validate(node, old) {
    return [...metaErrors(node, old, false, nameIsDnsSubdomain), ...validateTaints(node)];
  },
  ...statusRules,
  validateStatus: statusValidator<Node>([]),
  printerColumns: [
    nameColumn(),
    column({ name: 'Status', description: 'The status of the node', cell: nodeStatusText }),
    column({ name: 'Roles', description: 'The roles of the node', cell: (node) => nodeRoles(node).join(',') || '<none>' }),
    ageColumn(),
    column({ name: 'Version', description: 'Kubelet Version reported by the node.', cell: (node) => node.status?.nodeInfo?.kubeletVersion ?? '' }),
    column({ name: 'Internal-IP', priority: 1, description: 'List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node\'s address in its own status or consumers of the downward API (status.hostIP).', cell: (node) => address(node, 'InternalIP') }),
    column({ name: 'External-IP', priority: 1, description: 'List of addresses reachable to the node. Queried from cloud provider, if available.', cell: (node) => address(node, 'ExternalIP') }),
    column({ name: 'OS-Image', priority: 1, description: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', cell: (node) => orUnknown(node.status?.nodeInfo?.osImage) }),
    column({ name: 'Kernel-Version', priority: 1, description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", cell: (node) => orUnknown(node.status?.nodeInfo?.kernelVersion) }),
    column({ name: 'Container-Runtime', priority: 1, description: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', cell: (node) => orUnknown(node.status?.nodeInfo?.containerRuntimeVersion) }),
  ],
  selectableFields: { ...metadataFields<Node>(), 'spec.unschedulable': (node) => String(node.spec?.unschedulable === true) },
  schema: definition('io.k8s.api.core.v1.Node'),
  definitionName: 'io.k8s.api.core.v1.Node',
});
