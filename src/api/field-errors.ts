/**
 * Field errors as k8s.io/apimachinery/pkg/util/validation/field produces them. The `type`
 * strings are the StatusCause reasons kubectl shows; `body()` is field.Error.ErrorBody() and
 * `toString()` is field.Error.Error(), so messages match kube-apiserver word for word.
 */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

/** Marks an Invalid error whose value is not printed (field.OmitValueType). */
export const OMIT_VALUE: unique symbol = Symbol('omit value');

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly badValue: unknown;
  readonly detail: string;
}

/** One StatusCause of a 422 Invalid status. */
export interface StatusCause {
  reason: FieldErrorType;
  message: string;
  field: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/**
 * How field.Error prints a bad value: strings quoted (%q), numbers and booleans bare (%v),
 * null as "null", lists and structures as JSON (`["None"]`), as kube-apiserver v1.32 does.
 */
export function formatBadValue(value: unknown): string {
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

const VALUE_HIDDEN: ReadonlySet<FieldErrorType> = new Set<FieldErrorType>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'InternalError',
]);

/** field.Error.ErrorBody(): the cause message without the field path. */
export function errorBody(error: FieldError): string {
  let body = TYPE_TEXT[error.type];
  if (!VALUE_HIDDEN.has(error.type) && error.badValue !== OMIT_VALUE) body += `: ${formatBadValue(error.badValue)}`;
  if (error.detail.length > 0) body += `: ${error.detail}`;
  return body;
}

/** field.Error.Error(): `spec.containers[0].image: Required value`. */
export function fieldErrorString(error: FieldError): string {
  return `${error.field}: ${errorBody(error)}`;
}

export function toStatusCauses(errors: readonly FieldError[]): StatusCause[] {
  return errors.map((error) => ({ reason: error.type, message: errorBody(error), field: error.field }));
}

/**
 * The message of apierrors.NewInvalid: `Pod "web" is invalid: <aggregate>`. The aggregate is
 * the single error, or `[a, b]` for several, duplicates removed (utilerrors.NewAggregate).
 */
export function invalidMessage(qualifiedKind: string, name: string, errors: readonly FieldError[]): string {
  const unique = [...new Set(errors.map(fieldErrorString))];
  const aggregate = unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
  return `${qualifiedKind} ${JSON.stringify(name)} is invalid: ${aggregate ?? ''}`;
}

function make(type: FieldErrorType, field: string, badValue: unknown, detail: string): FieldError {
  return { type, field, badValue, detail };
}

export const required = (field: string, detail = ''): FieldError => make('FieldValueRequired', field, OMIT_VALUE, detail);
export const invalid = (field: string, value: unknown, detail = ''): FieldError =>
  make('FieldValueInvalid', field, value, detail);
export const forbidden = (field: string, detail = ''): FieldError => make('FieldValueForbidden', field, OMIT_VALUE, detail);
export const duplicate = (field: string, value: unknown): FieldError => make('FieldValueDuplicate', field, value, '');
export const notFound = (field: string, value: unknown): FieldError => make('FieldValueNotFound', field, value, '');
export const tooLong = (field: string, lengthMax: number): FieldError =>
  make('FieldValueTooLong', field, OMIT_VALUE, `may not be more than ${lengthMax} ${lengthMax === 1 ? 'byte' : 'bytes'}`);
export const tooMany = (field: string, actual: number, countMax: number): FieldError =>
  make('FieldValueTooMany', field, actual, `must have at most ${countMax} ${countMax === 1 ? 'item' : 'items'}`);
export const typeInvalid = (field: string, value: unknown, detail: string): FieldError =>
  make('FieldValueTypeInvalid', field, value, detail);

/** field.NotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return make('FieldValueNotSupported', field, value, detail);
}

/** field.Path helpers: `spec.containers[0].image`, `metadata.labels[app]`. */
export function child(path: string, ...names: string[]): string {
  return [path, ...names].filter((p) => p.length > 0).join('.');
}
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;
