import { isApiModelError } from '../../api/errors.js';
import type { KindDeclaration } from '../../api/kind.js';
import type { KubeObject } from '../../api/object.js';
import { FieldSelector } from '../../api/selectors/field-selector.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { forbidden, invalidMessage, notSupported, toStatusCauses, type FieldError } from '../../api/field-errors.js';
import { ApiError, badRequest, invalid, CONTINUE_EXPIRED_MESSAGE } from './api-errors.js';

/** metav1.ListOptions as read from the query string of a list or watch. */
export interface ListQuery {
  readonly filter?: (obj: KubeObject) => boolean;
  readonly limit: number;
  readonly continueToken?: ContinueToken;
  /** '' when unset. */
  readonly resourceVersion: string;
  readonly resourceVersionMatch: string;
  readonly timeoutSeconds?: number;
  readonly allowWatchBookmarks: boolean;
  readonly sendInitialEvents: boolean;
}

export interface ContinueToken {
  readonly revision: number;
  /** The storage key to continue from. */
  readonly startKey: string;
}

const INT64_MAX = 2n ** 63n - 1n;

function parseInteger(name: string, raw: string | null): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(raw)}: must be an integer`);
  const value = BigInt(raw);
  // int64, as the Go field; past what a number holds exactly, it means "as much as there is".
  if (value > INT64_MAX || value < -INT64_MAX - 1n) throw badRequest(`invalid value for ${name}: ${JSON.stringify(raw)}: value out of range`);
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Number(raw)));
}

export function selectorFilter(d: KindDeclaration, labelText: string, fieldText: string): ((obj: KubeObject) => boolean) | undefined {
  try {
    const labels = labelText === '' ? undefined : LabelSelector.parse(labelText);
    const fields = fieldText === '' ? undefined : FieldSelector.parse(fieldText, d.selectableFields);
    if (labels === undefined && fields === undefined) return undefined;
    return (obj) => (labels === undefined || labels.matches(obj.metadata.labels)) && (fields === undefined || fields.matches(obj));
  } catch (error) {
    if (isApiModelError(error)) throw badRequest(error.message);
    throw error;
  }
}

/** Continue tokens as kube-apiserver shapes them: base64 of {"v","rv","start"}. */
export function encodeContinue(token: ContinueToken, prefix: string): string {
  const start = token.startKey.startsWith(prefix) ? token.startKey.slice(prefix.length) : token.startKey;
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.revision, start }), 'utf8').toString('base64url');
}

export function decodeContinue(raw: string, prefix: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (p.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.rv !== 'number' || !Number.isSafeInteger(p.rv) || (p.rv <= 0 && p.rv !== LATEST)) throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.start !== 'string' || p.start.includes('..') || p.start.startsWith('/')) {
    throw badRequest('continue key is not valid: continue key is not valid: path traversal attempt');
  }
  return { revision: p.rv, startKey: prefix + p.start };
}

/**
 * A continue token whose revision was compacted: 410 Expired, and in the Status's metadata
 * a token with rv -1 that continues from the same key at the latest revision (an
 * inconsistent list, as the message says), as kube-apiserver's handleCompactedErrorForPaging.
 */
export function continueExpired(startKey: string, prefix: string): ApiError {
  return new ApiError(410, 'Expired', CONTINUE_EXPIRED_MESSAGE, undefined, encodeContinue({ revision: LATEST, startKey }, prefix));
}

/** A continue token's revision that means "the latest" (only ever given out by continueExpired). */
export const LATEST = -1;

/**
 * apimachinery's ValidateListOptions (and validateWatchOptions for a watch, with the
 * WatchList feature on): which resourceVersionMatch and sendInitialEvents combinations a
 * list or a watch accepts. Any error is a 422 on ListOptions.meta.k8s.io.
 */
function listOptionsErrors(query: URLSearchParams, watch: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const match = query.get('resourceVersionMatch') ?? '';
  const resourceVersion = query.get('resourceVersion') ?? '';
  const continued = (query.get('continue') ?? '') !== '';
  const initialEvents = query.has('sendInitialEvents');
  if (watch) {
    if (initialEvents && match !== 'NotOlderThan') errors.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    if (match !== '') {
      if (!initialEvents) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      if (match !== 'NotOlderThan') errors.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (continued) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
    return errors;
  }
  if (match !== '') {
    if (resourceVersion === '') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (continued) errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errors.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && resourceVersion === '0') errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (initialEvents) errors.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errors;
}

export function parseListQuery(d: KindDeclaration, query: URLSearchParams, prefix: string, watch = false): ListQuery {
  const optionErrors = listOptionsErrors(query, watch);
  if (optionErrors.length > 0) {
    throw invalid(invalidMessage('ListOptions.meta.k8s.io', '', optionErrors), { group: 'meta.k8s.io', kind: 'ListOptions', name: '' }, toStatusCauses(optionErrors));
  }
  const filter = selectorFilter(d, query.get('labelSelector') ?? '', query.get('fieldSelector') ?? '');
  const limit = parseInteger('limit', query.get('limit')) ?? 0;
  const continueRaw = query.get('continue') ?? '';
  const resourceVersion = query.get('resourceVersion') ?? '';
  const resourceVersionMatch = query.get('resourceVersionMatch') ?? '';
  if (continueRaw !== '' && resourceVersion !== '' && resourceVersion !== '0') {
    throw badRequest('specifying resource version is not allowed when using continue');
  }
  if (resourceVersion !== '' && !(/^\d+$/.test(resourceVersion) && Number.isSafeInteger(Number(resourceVersion)))) {
    throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(resourceVersion)}: must be a non-negative integer`);
  }
  const timeoutSeconds = parseInteger('timeoutSeconds', query.get('timeoutSeconds'));
  return {
    ...(filter === undefined ? {} : { filter }),
    limit: Math.max(0, limit),
    ...(continueRaw === '' ? {} : { continueToken: decodeContinue(continueRaw, prefix) }),
    resourceVersion,
    resourceVersionMatch,
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
    allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: query.get('sendInitialEvents') === 'true',
  };
}
