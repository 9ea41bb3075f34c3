/** core/v1 ServiceAccount. */
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { nameIsDnsSubdomain } from '../validation/names.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { plainPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';

export interface ServiceAccount extends KubeObject {
  secrets?: { name?: string; namespace?: string }[];
  imagePullSecrets?: { name?: string }[];
  automountServiceAccountToken?: boolean;
}

export const serviceAccountKind = defineKind<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  defaults() {},
  validate(sa, old) {
    return metaErrors(sa, old, true, nameIsDnsSubdomain);
  },
  ...plainPrepareRules<ServiceAccount>(),
  printerColumns: [
    nameColumn(),
    column({ name: 'Secrets', type: 'string', description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', cell: (sa) => (sa.secrets ?? []).length }),
    ageColumn(),
  ],
  selectableFields: metadataFields<ServiceAccount>(),
  schema: definition('io.k8s.api.core.v1.ServiceAccount'),
  definitionName: 'io.k8s.api.core.v1.ServiceAccount',
});
