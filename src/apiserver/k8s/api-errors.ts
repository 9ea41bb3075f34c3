import { RaftplaneError } from '../../util/errors.js';
import type { StatusCause } from '../../api/field-errors.js';

/**
 * API errors as kube-apiserver reports them: a metav1 Status with reason, code, message and
 * details. Messages follow k8s.io/apimachinery/pkg/api/errors word for word, because kubectl
 * prints them as they are and scripts match on them.
 */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Expired'
  | 'Gone'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export type ApiErrorCode = `API_${StatusReason}`;

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[] | { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export interface MetaStatus {
  kind: 'Status';
  apiVersion: 'v1';
  /** ListMeta: empty but for the `continue` token an expired continue offers. */
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends RaftplaneError<ApiErrorCode> {
  constructor(
    readonly httpStatus: number,
    readonly reason: StatusReason,
    message: string,
    readonly statusDetails: StatusDetails | undefined = undefined,
    readonly continueToken: string | undefined = undefined,
  ) {
    super(`API_${reason}`, message);
    this.name = 'ApiError';
  }

  toStatus(): MetaStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.continueToken === undefined ? {} : { continue: this.continueToken },
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.statusDetails === undefined ? {} : { details: this.statusDetails }),
      code: this.httpStatus,
    };
  }
}

/** What apierrors names a resource by: `pods`, `deployments.apps`. */
export interface ResourceName {
  readonly group: string;
  readonly resource: string;
}

const qualified = (r: ResourceName): string => (r.group === '' ? r.resource : `${r.resource}.${r.group}`);
const details = (r: ResourceName, name: string): StatusDetails => ({
  name,
  ...(r.group === '' ? {} : { group: r.group }),
  kind: r.resource,
});

export const notFound = (r: ResourceName, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${qualified(r)} ${JSON.stringify(name)} not found`, details(r, name));

/** A path that names no resource kind at all (apierrors.NewNotFound with an empty resource). */
export const resourceNotFound = (): ApiError =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

export const alreadyExists = (r: ResourceName, name: string): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualified(r)} ${JSON.stringify(name)} already exists`, details(r, name));

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

export const conflict = (r: ResourceName, name: string, why = OPTIMISTIC_LOCK_MESSAGE): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} ${JSON.stringify(name)}: ${why}`, details(r, name));

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const invalid = (message: string, kindDetails: { group: string; kind: string; name: string }, causes: StatusCause[]): ApiError =>
  new ApiError(422, 'Invalid', message, {
    name: kindDetails.name,
    ...(kindDetails.group === '' ? {} : { group: kindDetails.group }),
    kind: kindDetails.kind,
    causes,
  });

export const expired = (message: string): ApiError => new ApiError(410, 'Expired', message);

export const tooOldResourceVersion = (requested: number, current: number): ApiError =>
  expired(`too old resource version: ${requested} (${current})`);

export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized', 'Unauthorized');

export const forbidden = (r: ResourceName, name: string, why: string): ApiError =>
  new ApiError(
    403,
    'Forbidden',
    name === '' ? `${qualified(r)} is forbidden: ${why}` : `${qualified(r)} ${JSON.stringify(name)} is forbidden: ${why}`,
    details(r, name),
  );

export const forbiddenPath = (why: string): ApiError => new ApiError(403, 'Forbidden', `forbidden: ${why}`, {});

export const methodNotAllowed = (): ApiError =>
  new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export const notAcceptable = (): ApiError =>
  new ApiError(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml');

export const unsupportedMediaType = (contentType: string, accepted: readonly string[]): ApiError =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    contentType === '' ? undefined : {},
  );

export const requestEntityTooLarge = (limitBytes: number): ApiError =>
  new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);

export const tooManyRequests = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });

export const internalError = (why: string): ApiError =>
  new ApiError(500, 'InternalError', `Internal error occurred: ${why}`, { causes: [{ message: why }] });

export const serviceUnavailable = (why: string): ApiError => new ApiError(503, 'ServiceUnavailable', why);

export const timeout = (why: string): ApiError => new ApiError(504, 'Timeout', why);

export function successStatus(statusDetails: StatusDetails): Omit<MetaStatus, 'code'> & { code?: number } {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: statusDetails };
}
