import { atomicList, bool, int32, int64, intOrString, kindSchema, mergeList, obj, opaque, ref, str, time, withStrategy } from './builders.js';
import type { OpenApiSchema } from './openapi.js';

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const gvk = (group: string, version: string, kind: string): { group: string; version: string; kind: string } => ({ group, version, kind });
const condition = (extra: Record<string, OpenApiSchema> = {}): OpenApiSchema =>
  obj({ type: str, status: str, lastTransitionTime: time, reason: str, message: str, ...extra }, ['type', 'status']);
const selector = ref(`${META}.LabelSelector`);
const template = ref(`${CORE}.PodTemplateSpec`);
const rollingUpdate = obj({ maxUnavailable: intOrString, maxSurge: intOrString });

const replicaStatus = {
  replicas: int32,
  readyReplicas: int32,
  availableReplicas: int32,
  observedGeneration: int64,
};

export const workloadDefinitions: Record<string, OpenApiSchema> = {
  'io.k8s.api.apps.v1.Deployment': kindSchema(
    gvk('apps', 'v1', 'Deployment'),
    {
      spec: obj(
        {
          replicas: int32,
          selector,
          template,
          strategy: withStrategy(obj({ type: str, rollingUpdate }), 'retainKeys'),
          minReadySeconds: int32,
          revisionHistoryLimit: int32,
          paused: bool,
          progressDeadlineSeconds: int32,
        },
        ['selector', 'template'],
      ),
      status: obj({
        ...replicaStatus,
        updatedReplicas: int32,
        unavailableReplicas: int32,
        terminatingReplicas: int32,
        conditions: mergeList(condition({ lastUpdateTime: time }), 'type'),
        collisionCount: int32,
      }),
    },
    'Deployment enables declarative updates for Pods and ReplicaSets.',
  ),
  'io.k8s.api.apps.v1.ReplicaSet': kindSchema(
    gvk('apps', 'v1', 'ReplicaSet'),
    {
      spec: obj({ replicas: int32, minReadySeconds: int32, selector, template }, ['selector']),
      status: obj({ ...replicaStatus, fullyLabeledReplicas: int32, terminatingReplicas: int32, conditions: mergeList(condition(), 'type') }),
    },
    'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
  ),
  'io.k8s.api.apps.v1.DaemonSet': kindSchema(
    gvk('apps', 'v1', 'DaemonSet'),
    {
      spec: obj(
        {
          selector,
          template,
          updateStrategy: obj({ type: str, rollingUpdate }),
          minReadySeconds: int32,
          revisionHistoryLimit: int32,
        },
        ['selector', 'template'],
      ),
      status: obj({
        currentNumberScheduled: int32,
        numberMisscheduled: int32,
        desiredNumberScheduled: int32,
        numberReady: int32,
        observedGeneration: int64,
        updatedNumberScheduled: int32,
        numberAvailable: int32,
        numberUnavailable: int32,
        collisionCount: int32,
        conditions: mergeList(condition(), 'type'),
      }),
    },
    'DaemonSet represents the configuration of a daemon set.',
  ),
  'io.k8s.api.apps.v1.StatefulSet': kindSchema(
    gvk('apps', 'v1', 'StatefulSet'),
    {
      spec: obj(
        {
          replicas: int32,
          selector,
          template,
          volumeClaimTemplates: atomicList(opaque),
          serviceName: str,
          podManagementPolicy: str,
          updateStrategy: obj({ type: str, rollingUpdate: obj({ partition: int32, maxUnavailable: intOrString }) }),
          revisionHistoryLimit: int32,
          minReadySeconds: int32,
          persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str, whenScaled: str }),
          ordinals: obj({ start: int32 }),
        },
        ['selector', 'template'],
      ),
      status: obj({
        ...replicaStatus,
        currentReplicas: int32,
        updatedReplicas: int32,
        currentRevision: str,
        updateRevision: str,
        collisionCount: int32,
        conditions: mergeList(condition(), 'type'),
      }),
    },
    'StatefulSet represents a set of pods with consistent identities.',
  ),
  'io.k8s.api.batch.v1.Job': kindSchema(
    gvk('batch', 'v1', 'Job'),
    {
      spec: obj(
        {
          parallelism: int32,
          completions: int32,
          activeDeadlineSeconds: int64,
          podFailurePolicy: opaque,
          successPolicy: opaque,
          backoffLimit: int32,
          backoffLimitPerIndex: int32,
          maxFailedIndexes: int32,
          selector,
          manualSelector: bool,
          template,
          ttlSecondsAfterFinished: int32,
          completionMode: str,
          suspend: bool,
          podReplacementPolicy: str,
          managedBy: str,
        },
        ['template'],
      ),
      status: obj({
        conditions: atomicList(condition({ lastProbeTime: time })),
        startTime: time,
        completionTime: time,
        active: int32,
        succeeded: int32,
        failed: int32,
        terminating: int32,
        completedIndexes: str,
        failedIndexes: str,
        uncountedTerminatedPods: opaque,
        ready: int32,
      }),
    },
    'Job represents the configuration of a single job.',
  ),
  'io.k8s.api.coordination.v1.Lease': kindSchema(
    gvk('coordination.k8s.io', 'v1', 'Lease'),
    {
      spec: obj({
        holderIdentity: str,
        leaseDurationSeconds: int32,
        acquireTime: time,
        renewTime: time,
        leaseTransitions: int32,
        strategy: str,
        preferredHolder: str,
      }),
    },
    'Lease defines a lease concept.',
  ),
  'io.k8s.api.policy.v1.Eviction': kindSchema(
    gvk('policy', 'v1', 'Eviction'),
    { deleteOptions: ref(`${META}.DeleteOptions`) },
    'Eviction evicts a pod from its node subject to certain policies and safety constraints.',
  ),
  'io.k8s.api.autoscaling.v1.Scale': kindSchema(
    gvk('autoscaling', 'v1', 'Scale'),
    { spec: obj({ replicas: int32 }), status: obj({ replicas: int32, selector: str }, ['replicas']) },
    'Scale represents a scaling request for a resource.',
  ),
};
