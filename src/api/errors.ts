import { RaftplaneError } from '../util/errors.js';

/**
 * Operating errors of the resource model. The API server maps them to Status responses:
 * selector and patch errors to 400 BadRequest, schema errors to 400 with Kubernetes' decode
 * wording, patch conflicts to 422/409 as kube-apiserver does.
 */
export type ApiModelErrorCode =
  | 'API_LABEL_SELECTOR_INVALID'
  | 'API_FIELD_SELECTOR_INVALID'
  | 'API_FIELD_LABEL_NOT_SUPPORTED'
  | 'API_PATCH_INVALID'
  | 'API_SCHEMA_TYPE_INVALID'
  | 'API_BINDING_CONFLICT';

export class ApiModelError extends RaftplaneError<ApiModelErrorCode> {
  constructor(code: ApiModelErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'ApiModelError';
  }
}

export function isApiModelError(error: unknown, code?: ApiModelErrorCode): error is ApiModelError {
  if (!(error instanceof ApiModelError)) return false;
  return code === undefined || error.code === code;
}
