/** core/v1 Namespace: cluster-scoped, DNS-1123 label names, phase Active, `kubernetes` finalizer. */
import { defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { nameIsDnsLabel } from '../validation/names.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

/** Since v1.21 every namespace carries its own name as a label, so selectors can pick namespaces. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const statusRules = statusPrepareRules<Namespace>({ generation: false, initialStatus: () => ({ phase: 'Active' }) });

export const namespaceKind = defineKind<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [
    { name: 'status', group: '', version: 'v1', kind: 'Namespace', verbs: ['get', 'patch', 'update'] },
  ],
  defaults(ns) {
    if (ns.metadata.name) ns.metadata.labels = { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name };
  },
  validate(ns, old) {
    return metaErrors(ns, old, false, nameIsDnsLabel);
  },
  prepareForCreate(ns) {
    statusRules.prepareForCreate(ns);
    const finalizers = ns.spec?.finalizers ?? [];
    ns.spec = { ...ns.spec, finalizers: finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'] };
  },
  prepareForUpdate(ns, old) {
    statusRules.prepareForUpdate(ns, old);
    // spec.finalizers change only through the finalize subresource.
    if (old.spec === undefined) delete ns.spec;
    else ns.spec = old.spec;
  },
  prepareForStatusUpdate: statusRules.prepareForStatusUpdate,
  validateStatus: statusValidator<Namespace>([]),
  printerColumns: [
    nameColumn(),
    column({ name: 'Status', description: 'The status of the namespace', cell: (ns) => ns.status?.phase ?? '' }),
    ageColumn(),
  ],
  selectableFields: { ...metadataFields<Namespace>(), 'status.phase': (ns) => ns.status?.phase ?? '' },
  schema: definition('io.k8s.api.core.v1.Namespace'),
  definitionName: 'io.k8s.api.core.v1.Namespace',
});

