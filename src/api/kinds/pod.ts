/** core/v1 Pod, with status, binding, eviction and log subresources. */
import { ALL_VERBS, defineKind, type TableRowCondition } from '../kind.js';
import { compareQuantities, parseQuantity } from '../quantity.js';
import { definition } from '../schema/definitions.js';
import { isIP } from 'node:net';
import { type FieldError, invalid, tooMany } from '../field-errors.js';
import { isDns1123Subdomain, nameIsDnsSubdomain } from '../validation/names.js';
import { defaultPodSpec } from './pod-spec/defaults.js';
import { summarizePod } from './pod-spec/pod-status-text.js';
import { validatePodSpecUpdate } from './pod-spec/pod-update.js';
import type { Pod, PodSpec, Toleration } from './pod-spec/types.js';
import { validatePodSpec } from './pod-spec/validation.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';

function sameQuantity(a: string | number, b: string | number): boolean {
  try {
    return compareQuantities(parseQuantity(a), parseQuantity(b)) === 0;
  } catch {
    return false;
  }
}

/** qos.GetPodQOS, reduced to the three classes' defining rules. */
export function podQosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const hasAny = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!hasAny) return 'BestEffort';
  const guaranteed = containers.every((c) => {
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? {};
    return ['cpu', 'memory'].every((r) => {
      const limit = limits[r];
      return limit !== undefined && sameQuantity(requests[r] ?? limit, limit);
    });
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The DefaultTolerationSeconds admission plugin: pods ride out 5 minutes of node trouble. */
const DEFAULT_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/** What kube-apiserver's default admission chain adds to a new pod (ServiceAccount, Priority, DefaultTolerationSeconds). */
function admitNewPod(pod: Pod): void {
  const spec = pod.spec;
  spec.serviceAccountName ||= 'default';
  spec.serviceAccount = spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations = (spec.tolerations ??= []);
  for (const toleration of DEFAULT_TOLERATIONS) {
    if (!tolerations.some((t) => t.key === toleration.key && t.effect === 'NoExecute')) tolerations.push({ ...toleration });
  }
}

const statusRules = statusPrepareRules<Pod>({
  generation: false,
  initialStatus: (pod) => ({ phase: 'Pending', qosClass: podQosClass(pod.spec ?? { containers: [] }) }),
});

/** ValidatePodStatusUpdate's address and nomination checks. */
function validatePodStatus(pod: Pod): FieldError[] {
  const errors: FieldError[] = [];
  const status = pod.status ?? {};
  if (status.nominatedNodeName) {
    for (const message of isDns1123Subdomain(status.nominatedNodeName)) errors.push(invalid('status.nominatedNodeName', status.nominatedNodeName, message));
  }
  const podIps = status.podIPs ?? [];
  if (podIps.length > 2) errors.push(tooMany('status.podIPs', podIps.length, 2));
  podIps.forEach((entry, i) => {
    if (isIP(entry.ip ?? '') === 0) errors.push(invalid(`status.podIPs[${i}].ip`, entry.ip ?? '', 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  return errors;
}

const completed = (reason: string, message: string): TableRowCondition[] => [{ type: 'Completed', status: 'True', reason, message }];

export const podKind = defineKind<Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [
    { name: 'status', group: '', version: 'v1', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'binding', group: '', version: 'v1', kind: 'Binding', verbs: ['create'] },
    { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
    { name: 'log', group: '', version: 'v1', kind: 'Pod', verbs: ['get'] },
  ],
  defaults(pod) {
    if (pod.spec !== undefined && pod.spec !== null) defaultPodSpec(pod.spec);
  },
  validate(pod, old) {
    const errors = metaErrors(pod, old, true, nameIsDnsSubdomain);
    errors.push(...validatePodSpec(pod.spec, 'spec'));
    if (old !== undefined && pod.spec !== undefined && old.spec !== undefined) errors.push(...validatePodSpecUpdate(pod.spec, old.spec));
    return errors;
  },
  prepareForCreate(pod) {
    if (pod.spec !== undefined) admitNewPod(pod);
    statusRules.prepareForCreate(pod);
  },
  prepareForUpdate: statusRules.prepareForUpdate,
  prepareForStatusUpdate: statusRules.prepareForStatusUpdate,
  validateStatus: statusValidator<Pod>([], validatePodStatus),
  printerColumns: [
    nameColumn(),
    column({ name: 'Ready', description: 'The aggregate readiness state of this pod for accepting traffic.', cell: (pod, c) => summarizePod(pod, c.nowMs).ready }),
    column({ name: 'Status', description: 'The aggregate status of the containers in this pod.', cell: (pod, c) => summarizePod(pod, c.nowMs).status }),
    column({
      name: 'Restarts',
      description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      cell: (pod, c) => summarizePod(pod, c.nowMs).restarts,
    }),
    ageColumn(),
    column({
      name: 'IP',
      priority: 1,
      description: 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      cell: (pod) => pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>',
    }),
    column({
      name: 'Node',
      priority: 1,
      description:
        'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
      cell: (pod) => pod.spec?.nodeName || '<none>',
    }),
    column({
      name: 'Nominated Node',
      priority: 1,
      description:
        'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
      cell: (pod) => pod.status?.nominatedNodeName || '<none>',
    }),
    column({
      name: 'Readiness Gates',
      priority: 1,
      description: 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      cell: (pod) => {
        const gates = pod.spec?.readinessGates ?? [];
        if (gates.length === 0) return '<none>';
        const conditions = pod.status?.conditions ?? [];
        const satisfied = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
        return `${satisfied}/${gates.length}`;
      },
    }),
  ],
  rowConditions(pod) {
    if (pod.status?.phase === 'Succeeded') return completed('Succeeded', 'The pod has completed successfully.');
    if (pod.status?.phase === 'Failed') return completed('Failed', 'The pod failed.');
    return [];
  },
  selectableFields: {
    ...metadataFields<Pod>(),
    'spec.nodeName': (pod) => pod.spec?.nodeName ?? '',
    'spec.restartPolicy': (pod) => pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': (pod) => pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (pod) => pod.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (pod) => String(pod.spec?.hostNetwork === true),
    'status.phase': (pod) => pod.status?.phase ?? '',
    'status.podIP': (pod) => pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '',
    'status.nominatedNodeName': (pod) => pod.status?.nominatedNodeName ?? '',
  },
  schema: definition('io.k8s.api.core.v1.Pod'),
  definitionName: 'io.k8s.api.core.v1.Pod',
});
