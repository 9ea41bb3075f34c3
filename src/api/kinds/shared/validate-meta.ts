import type { FieldError } from '../../field-errors.js';
import type { KubeObject } from '../../object.js';
import type { NameValidator } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta.js';

/** Metadata errors on create (name rules of the kind) or on update (identity immutable). */
export function metaErrors(obj: KubeObject, old: KubeObject | undefined, namespaced: boolean, nameValidator: NameValidator): FieldError[] {
  return old === undefined ? validateObjectMeta(obj.metadata, { namespaced, nameValidator }) : validateObjectMetaUpdate(obj.metadata, old.metadata);
}
