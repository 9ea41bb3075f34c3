/** coordination.k8s.io/v1 Lease: leader election and node heartbeats. */
import { type FieldError, invalid } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { nameIsDnsSubdomain } from '../validation/names.js';
import { IS_NEGATIVE } from '../validation/object-meta.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { plainPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

function validateLeaseSpec(lease: Lease): FieldError[] {
  const errors: FieldError[] = [];
  const duration = lease.spec?.leaseDurationSeconds;
  if (duration !== undefined && duration <= 0) errors.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = lease.spec?.leaseTransitions;
  if (transitions !== undefined && transitions < 0) errors.push(invalid('spec.leaseTransitions', transitions, IS_NEGATIVE));
  return errors;
}

export const leaseKind = defineKind<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  singular: 'lease',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  defaults() {},
  validate(lease, old) {
    return [...metaErrors(lease, old, true, nameIsDnsSubdomain), ...validateLeaseSpec(lease)];
  },
  ...plainPrepareRules<Lease>(),
  printerColumns: [
    nameColumn(),
    column({ name: 'Holder', description: 'The holder of the lease', cell: (lease) => lease.spec?.holderIdentity ?? '' }),
    ageColumn(),
  ],
  selectableFields: metadataFields<Lease>(),
  schema: definition('io.k8s.api.coordination.v1.Lease'),
  definitionName: 'io.k8s.api.coordination.v1.Lease',
});
