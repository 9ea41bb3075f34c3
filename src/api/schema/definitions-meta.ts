import { bool, int64, mapOf, mergeList, mergeSetList, obj, opaque, ref, str, stringMap, time, atomicList } from './builders.js';
import type { OpenApiSchema } from './openapi.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const metaDefinitions: Record<string, OpenApiSchema> = {
  [`${META}.ObjectMeta`]: obj({
    name: str,
    generateName: str,
    namespace: str,
    selfLink: str,
    uid: str,
    resourceVersion: str,
    generation: int64,
    creationTimestamp: time,
    deletionTimestamp: time,
    deletionGracePeriodSeconds: int64,
    labels: stringMap,
    annotations: stringMap,
    ownerReferences: mergeList(ref(`${META}.OwnerReference`), 'uid'),
    finalizers: mergeSetList(str),
    managedFields: atomicList(ref(`${META}.ManagedFieldsEntry`)),
  }),
  [`${META}.OwnerReference`]: obj(
    { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool },
    ['apiVersion', 'kind', 'name', 'uid'],
  ),
  [`${META}.ManagedFieldsEntry`]: obj({
    manager: str,
    operation: str,
    apiVersion: str,
    time,
    fieldsType: str,
    fieldsV1: opaque,
    subresource: str,
  }),
  [`${META}.LabelSelector`]: {
    ...obj({
      matchLabels: stringMap,
      matchExpressions: atomicList(ref(`${META}.LabelSelectorRequirement`)),
    }),
    'x-kubernetes-map-type': 'atomic',
  },
  [`${META}.LabelSelectorRequirement`]: obj({ key: str, operator: str, values: atomicList(str) }, ['key', 'operator']),
  [`${META}.Condition`]: obj(
    { type: str, status: str, observedGeneration: int64, lastTransitionTime: time, reason: str, message: str },
    ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  ),
  [`${META}.DeleteOptions`]: obj({
    apiVersion: str,
    kind: str,
    gracePeriodSeconds: int64,
    preconditions: obj({ uid: str, resourceVersion: str }),
    propagationPolicy: str,
    orphanDependents: bool,
    dryRun: atomicList(str),
  }),
  [`${META}.MicroTime`]: { type: 'string', format: 'date-time' },
  [`${META}.FieldsV1`]: mapOf(opaque),
};
