/** core/v1 Secret: stringData folds into data, type is immutable, typed secrets need their keys. */
import { type FieldError, invalid, key, required, tooLong } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { nameIsDnsSubdomain } from '../validation/names.js';
import { validateImmutable } from '../validation/object-meta.js';
import { DATA_BYTES_MAX, validateDataKeys, validateImmutableData } from './config-map.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { plainPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';

export interface Secret extends KubeObject {
  immutable?: boolean;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
}

/** Keys a typed secret must carry (pkg/apis/core/validation ValidateSecret). */
const REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

function validateSecret(secret: Secret): FieldError[] {
  const errors = validateDataKeys(secret.data, 'data');
  let totalBytes = 0;
  for (const value of Object.values(secret.data ?? {})) totalBytes += Buffer.from(value, 'base64').length;
  if (totalBytes > DATA_BYTES_MAX) errors.push(tooLong('data', DATA_BYTES_MAX));
  for (const requiredKey of REQUIRED_KEYS[secret.type ?? ''] ?? []) {
    if (secret.data?.[requiredKey] === undefined) errors.push(required(key('data', requiredKey)));
  }
  if (secret.type === 'kubernetes.io/basic-auth' && secret.data?.['username'] === undefined && secret.data?.['password'] === undefined) {
    errors.push(required(key('data', 'username')));
  }
  if (secret.type === 'kubernetes.io/service-account-token' && !secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
    errors.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
  }
  for (const [dataKey, value] of Object.entries(secret.data ?? {})) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) errors.push(invalid(key('data', dataKey), '<secret contents redacted>', 'illegal base64 data'));
  }
  return errors;
}

export const secretKind = defineKind<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  resource: 'secrets',
  singular: 'secret',
  shortNames: [],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  defaults(secret) {
    secret.type ||= 'Opaque';
    // The v1 → internal conversion writes stringData over data, base64-encoded, and drops it.
    if (secret.stringData !== undefined) {
      const data = (secret.data ??= {});
      for (const [dataKey, value] of Object.entries(secret.stringData)) data[dataKey] = Buffer.from(value, 'utf8').toString('base64');
      delete secret.stringData;
    }
  },
  validate(secret, old) {
    const errors = [...metaErrors(secret, old, true, nameIsDnsSubdomain), ...validateSecret(secret)];
    if (old !== undefined) {
      errors.push(...validateImmutable(secret.type, old.type, 'type'));
      errors.push(...validateImmutableData(secret, old, ['data']));
    }
    return errors;
  },
  ...plainPrepareRules<Secret>(),
  printerColumns: [
    nameColumn(),
    column({ name: 'Type', description: 'The type of the secret', cell: (s) => s.type ?? '' }),
    column({ name: 'Data', description: 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.', cell: (s) => Object.keys(s.data ?? {}).length }),
    ageColumn(),
  ],
  selectableFields: { ...metadataFields<Secret>(), type: (s) => s.type ?? '' },
  schema: definition('io.k8s.api.core.v1.Secret'),
  definitionName: 'io.k8s.api.core.v1.Secret',
});
