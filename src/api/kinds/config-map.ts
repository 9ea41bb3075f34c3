/** core/v1 ConfigMap: keys as config keys, 1 MiB total, `immutable: true` freezes data. */
import { type FieldError, forbidden, invalid, key, tooLong } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import { jsonEqual, type KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { isConfigMapKey, nameIsDnsSubdomain } from '../validation/names.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { plainPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';

export interface ConfigMap extends KubeObject {
  immutable?: boolean;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** core.MaxSecretSize, which ConfigMaps share. */
export const DATA_BYTES_MAX = 1024 * 1024;

export function validateDataKeys(data: Record<string, string> | undefined, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const dataKey of Object.keys(data ?? {})) {
    for (const message of isConfigMapKey(dataKey)) errors.push(invalid(key(path, dataKey), dataKey, message));
  }
  return errors;
}

/** Shared by ConfigMap and Secret: once `immutable` is true, neither data nor the flag may change. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, fields: readonly string[]): FieldError[] {
  if (old['immutable'] !== true) return [];
  const errors: FieldError[] = [];
  if (obj['immutable'] !== true) errors.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const field of fields) {
    if (!jsonEqual(obj[field] ?? {}, old[field] ?? {})) errors.push(forbidden(field, 'field is immutable when `immutable` is set'));
  }
  return errors;
}

function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errors = [...validateDataKeys(cm.data, 'data'), ...validateDataKeys(cm.binaryData, 'binaryData')];
  let totalBytes = 0;
  for (const [dataKey, value] of Object.entries(cm.data ?? {})) {
    totalBytes += Buffer.byteLength(value);
    if (cm.binaryData !== undefined && Object.prototype.hasOwnProperty.call(cm.binaryData, dataKey)) {
      errors.push(invalid(key('binaryData', dataKey), dataKey, 'duplicate of key present in data'));
    }
  }
  for (const value of Object.values(cm.binaryData ?? {})) totalBytes += Buffer.from(value, 'base64').length;
  if (totalBytes > DATA_BYTES_MAX) errors.push(tooLong('data', DATA_BYTES_MAX));
  return errors;
}

export const configMapKind = defineKind<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  defaults() {},
  validate(cm, old) {
    const errors = [...metaErrors(cm, old, true, nameIsDnsSubdomain), ...validateConfigMap(cm)];
    if (old !== undefined) errors.push(...validateImmutableData(cm, old, ['data', 'binaryData']));
    return errors;
  },
  ...plainPrepareRules<ConfigMap>(),
  printerColumns: [
    nameColumn(),
    column({
      name: 'Data',
      description: 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.',
      cell: (cm) => Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    }),
    ageColumn(),
  ],
  selectableFields: metadataFields<ConfigMap>(),
  schema: definition('io.k8s.api.core.v1.ConfigMap'),
  definitionName: 'io.k8s.api.core.v1.ConfigMap',
});
