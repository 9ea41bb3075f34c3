/** Columns many kinds share, with the descriptions kube-apiserver sends in Table headers. */
import { ageOf } from '../../duration.js';
import type { PrinterColumn } from '../../kind.js';
import type { KubeObject } from '../../object.js';
import { formatLabelSelector } from '../../selectors/label-selector.js';
import type { LabelSelector } from '../../object.js';
import type { PodTemplateSpec } from '../pod-spec/types.js';

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function nameColumn<T extends KubeObject>(): PrinterColumn<T> {
  return { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0, cell: (obj) => obj.metadata.name ?? '' };
}

export function ageColumn<T extends KubeObject>(): PrinterColumn<T> {
  return {
    name: 'Age',
    type: 'string',
    format: '',
    description: CREATION_TIMESTAMP_DESCRIPTION,
    priority: 0,
    cell: (obj, context) => ageOf(obj.metadata.creationTimestamp, context.nowMs),
  };
}

type ColumnSpec<T extends KubeObject> = Omit<PrinterColumn<T>, 'format' | 'priority' | 'type'> &
  Partial<Pick<PrinterColumn<T>, 'format' | 'priority' | 'type'>>;

/** A column with the common defaults: type string, no format, shown by default. */
export function column<T extends KubeObject>(spec: ColumnSpec<T>): PrinterColumn<T> {
  return { type: 'string', format: '', priority: 0, ...spec };
}

interface WithTemplate extends KubeObject {
  spec: { template?: PodTemplateSpec; selector?: LabelSelector };
}

/** CONTAINERS, IMAGES and SELECTOR: the -o wide columns of every workload. */
export function templateColumns<T extends WithTemplate>(withSelector: boolean): PrinterColumn<T>[] {
  const containers = (obj: T): { name: string; image?: string }[] => obj.spec?.template?.spec?.containers ?? [];
  const columns: PrinterColumn<T>[] = [
    column<T>({
      name: 'Containers',
      priority: 1,
      description: 'Names of each container in the template.',
      cell: (obj) => containers(obj).map((c) => c.name).join(','),
    }),
    column<T>({
      name: 'Images',
      priority: 1,
      description: 'Images referenced by each container in the template.',
      cell: (obj) => containers(obj).map((c) => c.image ?? '').join(','),
    }),
  ];
  if (withSelector) {
    columns.push(
      column<T>({
        name: 'Selector',
        priority: 1,
        description: 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
        cell: (obj) => formatLabelSelector(obj.spec?.selector),
      }),
    );
  }
  return columns;
}
