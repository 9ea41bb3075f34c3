/**
 * ObjectMeta rules of apimachinery/pkg/api/validation/objectmeta.go: name or generateName,
 * namespace presence, labels, annotations (syntax and 256 KiB total), owner references,
 * finalizers; on update, the immutable identity fields.
 */
import { child, forbidden, type FieldError, invalid, required, tooLong } from '../field-errors.js';
import { isPlainObject, jsonEqual, type ObjectMeta } from '../object.js';
import { isQualifiedName, isValidLabelValue, type NameValidator, nameIsDnsLabel } from './names.js';

export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const ANNOTATIONS_SIZE_BYTES_MAX = 256 * 1024;

export interface ObjectMetaRules {
  readonly namespaced: boolean;
  readonly nameValidator: NameValidator;
}

/** ValidateLabels: every key a qualified name, every value a label value (path: the map). */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [labelKey, labelValue] of Object.entries(labels ?? {})) {
    for (const message of isQualifiedName(labelKey)) errors.push(invalid(path, labelKey, message));
    for (const message of isValidLabelValue(labelValue)) errors.push(invalid(path, labelValue, message));
  }
  return errors;
}

/** ValidateAnnotations: keys are qualified names ignoring case; total size of keys + values capped. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errors: FieldError[] = [];
  let totalBytes = 0;
  for (const [annotationKey, annotationValue] of Object.entries(annotations ?? {})) {
    for (const message of isQualifiedName(annotationKey.toLowerCase())) errors.push(invalid(path, annotationKey, message));
    totalBytes += Buffer.byteLength(annotationKey) + Buffer.byteLength(annotationValue);
  }
  if (totalBytes > ANNOTATIONS_SIZE_BYTES_MAX) errors.push(tooLong(path, ANNOTATIONS_SIZE_BYTES_MAX));
  return errors;
}

function validateOwnerReferences(meta: ObjectMeta, path: string): FieldError[] {
  const errors: FieldError[] = [];
  let firstController = '';
  for (const ref of meta.ownerReferences ?? []) {
    const version = (ref.apiVersion ?? '').split('/').pop() ?? '';
    if (version.length === 0) errors.push(invalid(child(path, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errors.push(invalid(child(path, 'kind'), ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errors.push(invalid(child(path, 'name'), ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errors.push(invalid(child(path, 'uid'), ref.uid ?? '', 'must not be empty'));
    if (ref.apiVersion === 'v1' && ref.kind === 'Event') errors.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController === '') firstController = current;
      else
        errors.push(
          invalid(path, meta.ownerReferences, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`),
        );
    }
  }
  return errors;
}

function validateFinalizers(finalizers: readonly string[] | undefined, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const finalizer of finalizers ?? []) {
    for (const message of isQualifiedName(finalizer)) errors.push(invalid(path, finalizer, message));
  }
  if (finalizers?.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errors.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errors;
}

function validateCommon(meta: ObjectMeta, namespaced: boolean, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const namespace = meta.namespace ?? '';
  if (namespaced) {
    if (namespace.length === 0) errors.push(required(child(path, 'namespace')));
    else for (const message of nameIsDnsLabel(namespace, false)) errors.push(invalid(child(path, 'namespace'), namespace, message));
  } else if (namespace.length > 0) {
    errors.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) errors.push(invalid(child(path, 'generation'), meta.generation, IS_NEGATIVE));
  errors.push(...validateLabels(meta.labels, child(path, 'labels')));
  errors.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errors.push(...validateOwnerReferences(meta, child(path, 'ownerReferences')));
  errors.push(...validateFinalizers(meta.finalizers, child(path, 'finalizers')));
  return errors;
}

/** ValidateObjectMeta on create (name generation already done by the caller). */
export function validateObjectMeta(meta: ObjectMeta, rules: ObjectMetaRules, path = 'metadata'): FieldError[] {
  const errors: FieldError[] = [];
  const generateName = meta.generateName ?? '';
  if (generateName.length > 0) {
    for (const message of rules.nameValidator(generateName, true)) errors.push(invalid(child(path, 'generateName'), generateName, message));
  }
  const name = meta.name ?? '';
  if (name.length === 0) errors.push(required(child(path, 'name'), 'name or generateName is required'));
  else for (const message of rules.nameValidator(name, false)) errors.push(invalid(child(path, 'name'), name, message));
  return [...errors, ...validateCommon(meta, rules.namespaced, path)];
}

/** ValidateImmutableField: Invalid with the new value and `field is immutable`. */
export function validateImmutable(newValue: unknown, oldValue: unknown, path: string): FieldError[] {
  const normalize = (value: unknown): unknown => (value === undefined ? null : value);
  return jsonEqual(normalize(newValue), normalize(oldValue)) ? [] : [invalid(path, newValue ?? null, FIELD_IMMUTABLE)];
}

/** ValidateObjectMetaUpdate: identity fields immutable, resourceVersion present, generation monotonic. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errors: FieldError[] = [];
  if (old.deletionTimestamp) {
    const added = [...new Set(meta.finalizers ?? [])].filter((f) => !(old.finalizers ?? []).includes(f)).sort();
    if (added.length > 0) {
      const list = `[]string{${added.map((f) => JSON.stringify(f)).join(', ')}}`;
      errors.push(forbidden(child(path, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${list}`));
    }
  }
  if (!meta.resourceVersion) errors.push(invalid(child(path, 'resourceVersion'), meta.resourceVersion ?? '', 'must be specified for an update'));
  if ((meta.generation ?? 0) < (old.generation ?? 0)) errors.push(invalid(child(path, 'generation'), meta.generation ?? 0, 'must not be decremented'));
  for (const field of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    errors.push(...validateImmutable(meta[field], old[field], child(path, field)));
  }
  errors.push(...validateLabels(meta.labels, child(path, 'labels')));
  errors.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errors.push(...validateOwnerReferences(meta, child(path, 'ownerReferences')));
  errors.push(...validateFinalizers(meta.finalizers, child(path, 'finalizers')));
  return errors;
}

/** Metadata must be an object before anything else can be checked. */
export function hasMetadata(obj: unknown): obj is { metadata: ObjectMeta } {
  return isPlainObject(obj) && isPlainObject(obj['metadata']);
}
