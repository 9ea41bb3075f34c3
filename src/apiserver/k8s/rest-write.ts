import { toStatusCauses, invalidMessage, type FieldError } from '../../api/field-errors.js';
import { apiVersionOf, qualifiedKindOf, type KindDeclaration } from '../../api/kind.js';
import { isPlainObject, jsonEqual, type KubeObject } from '../../api/object.js';
import { decodeWithSchema } from '../../api/schema/decode.js';
import { badRequest, conflict, invalid, type ApiError } from './api-errors.js';
import { unknownFieldPaths } from './field-validation.js';
import {
  applyRequestNamespace,
  checkTypeMeta,
  fillCreateMeta,
  getPath,
  keepSystemMeta,
  setPath,
} from './object-lifecycle.js';
import { ExtrasConflictError, withVersion, type StoredObject } from './resource-store.js';
import type { RestContext, RestResult } from './rest-context.js';
import type { ResourceRequest } from './request-info.js';

const ALLOCATION_TRIES_MAX = 16;
export const UPDATE_TRIES_MAX = 8;

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const raw = query.get('fieldValidation') ?? 'Warn';
  if (raw === 'Ignore' || raw === 'Warn' || raw === 'Strict') return raw;
  throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(raw)}: supported values: "Ignore", "Warn", "Strict"`);
}

export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(v)}: supported values: "All"`);
  return values.length > 0;
}

/**
 * Unknown fields by the fieldValidation directive: Strict refuses with the decoder's message,
 * Warn answers with Warning headers, Ignore drops them silently (as kube-apiserver).
 */
export function checkUnknownFields(d: KindDeclaration, obj: unknown, mode: FieldValidation, viaApply = false): string[] {
  if (mode === 'Ignore') return [];
  const unknown = unknownFieldPaths(d, obj);
  if (unknown.length === 0) return [];
  if (mode === 'Strict') {
    if (viaApply) throw badRequest(unknown.map((p) => `.${p}: field not declared in schema`).join(', '));
    const list = unknown.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ');
    throw badRequest(`${d.kind} in version "${d.version}" cannot be handled as a ${d.kind}: strict decoding error: ${list}`);
  }
  return unknown.map((p) => `unknown field ${JSON.stringify(p)}`);
}

/**
 * A request body as kube-apiserver's decoder into the kind's Go struct takes it: a value of
 * the wrong JSON type (or nesting past 1,000 levels) is a 400 worded like Go's decoder;
 * unknown fields go by the fieldValidation directive and are dropped, as are nulls in typed
 * fields (`labels: null` is no labels). Everything after this sees only well-typed objects.
 */
export function decodeBody(d: KindDeclaration, body: unknown, mode: FieldValidation, viaApply = false): { object: Record<string, unknown>; warnings: string[] } {
  const decoded = decodeWithSchema(body, d);
  const [first] = decoded.typeErrors;
  if (first !== undefined) throw badRequest(`${d.kind} in version "${d.version}" cannot be handled as a ${d.kind}: ${first}`);
  const warnings = checkUnknownFields(d, body, mode, viaApply);
  return { object: decoded.value as Record<string, unknown>, warnings };
}

function invalidError(d: KindDeclaration, obj: KubeObject, errors: readonly FieldError[]): ApiError {
  const name = obj.metadata.name ?? '';
  return invalid(invalidMessage(qualifiedKindOf(d), name, errors), { group: d.group, kind: d.kind, name }, toStatusCauses(errors));
}

export async function createObject(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, body: Record<string, unknown>): Promise<RestResult> {
  const { object, warnings } = decodeBody(d, body, fieldValidationOf(info.query));
  const obj = checkTypeMeta(d, structuredClone(object));
  applyRequestNamespace(d, obj, info.namespace);
  d.defaults(obj);
  fillCreateMeta(obj, ctx.nowMs());
  d.prepareForCreate(obj);
  const errors = d.validate(obj);
  if (errors.length > 0) throw invalidError(d, obj, errors);
  if (isDryRun(info.query)) return { status: 201, body: obj, warnings };
  const isService = d.group === '' && d.resource === 'services';
  const clientChoseIp = (body['spec'] as Record<string, unknown> | undefined)?.['clusterIP'] !== undefined;
  for (let attempt = 0; ; attempt++) {
    // Each try allocates on a fresh copy: an IP or node port drawn by a try that lost its
    // race is drawn again, while what the client gave stays as given.
    const candidate = isService ? structuredClone(obj) : obj;
    const allocation = isService ? ctx.services.allocate(candidate, undefined) : undefined;
    try {
      const stored = await ctx.store.create(d, candidate, allocation?.extras);
      return { status: 201, body: stored.object, warnings };
    } catch (error) {
      if (!(error instanceof ExtrasConflictError)) throw error;
      // A chosen IP or port was taken meanwhile: pick again, unless the client asked for it.
      if (attempt + 1 >= ALLOCATION_TRIES_MAX || clientChoseIp) throw ctx.services.takenError(candidate);
    }
  }
}

export type UpdateTarget = 'main' | 'status';

/**
 * Everything an update does once the new object is known (PUT, PATCH, scale): system fields
 * kept, the kind's prepare and validate rules, no write when nothing changed, deletion
 * completed when the last finalizer of a deleting object goes.
 */
export async function finishUpdate(
  ctx: RestContext,
  d: KindDeclaration,
  info: ResourceRequest,
  next: KubeObject,
  current: StoredObject,
  target: UpdateTarget,
): Promise<StoredObject> {
  const old = current.object;
  if (next.metadata.name !== undefined && next.metadata.name !== old.metadata.name) {
    throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${old.metadata.name ?? ''})`);
  }
  next.metadata.name = old.metadata.name ?? '';
  // A uid in the new object is a precondition (DefaultUpdatedObjectInfo.Preconditions).
  const uid = next.metadata.uid;
  if (uid !== undefined && uid !== null && uid !== '' && uid !== old.metadata.uid) {
    throw conflict(d, old.metadata.name ?? '', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
  }
  applyRequestNamespace(d, next, info.namespace);
  next.apiVersion = apiVersionOf(d);
  next.kind = d.kind;
  d.defaults(next);
  keepSystemMeta(next, old);
  const errors: FieldError[] = [];
  if (target === 'status') {
    d.prepareForStatusUpdate(next, old);
    errors.push(...(d.validateStatus?.(next, old) ?? []));
  } else {
    d.prepareForUpdate(next, old);
    errors.push(...d.validate(next, old));
  }
  if (errors.length > 0) throw invalidError(d, next, errors);
  const comparable = { ...next, metadata: { ...next.metadata, resourceVersion: old.metadata.resourceVersion } };
  if (jsonEqual(comparable, old)) return current;
  if (isDryRun(info.query)) return { object: withVersion(next, current.modRevision), modRevision: current.modRevision };
  const finalizers = next.metadata.finalizers ?? [];
  if (old.metadata.deletionTimestamp !== undefined && old.metadata.deletionTimestamp !== null && finalizers.length === 0 && !(d.resource === 'pods' && d.group === '' && (old.metadata.deletionGracePeriodSeconds ?? 0) > 0)) {
    const released = d.group === '' && d.resource === 'services' ? { deletes: ctx.services.heldKeys(old) } : undefined;
    const revision = await ctx.store.remove(d, info.namespace, old.metadata.name ?? '', current.modRevision, released);
    return { object: withVersion(next, revision), modRevision: revision };
  }
  const allocation = d.group === '' && d.resource === 'services' && target === 'main' ? ctx.services.allocate(next, old) : undefined;
  return ctx.store.update(d, next, current.modRevision, allocation?.extras);
}

/** A write that lost to another: its compare on the object's revision, or on an IP or port it claimed, failed. */
export function isLostRace(error: unknown): boolean {
  return (error as Partial<ApiError> | undefined)?.reason === 'Conflict' || error instanceof ExtrasConflictError;
}

/** The resourceVersion a body pins, if any: a precondition that must equal the stored one. */
export function preconditionOf(obj: unknown): number | undefined {
  const rv = isPlainObject(obj) && isPlainObject(obj['metadata']) ? obj['metadata']['resourceVersion'] : undefined;
  if (rv === undefined || rv === null || rv === '') return undefined;
  if (typeof rv !== 'string' || !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}

/**
 * GuaranteedUpdate: read, compute the new object, write with a mod-revision compare; on a
 * lost race, read again and recompute (unless the client pinned a resourceVersion).
 */
export async function guaranteedUpdate(
  ctx: RestContext,
  d: KindDeclaration,
  info: ResourceRequest,
  target: UpdateTarget,
  compute: (current: StoredObject) => { next: KubeObject; precondition?: number | undefined },
): Promise<StoredObject> {
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.store.mustGet(d, info.namespace, info.name);
    const { next, precondition } = compute(current);
    if (precondition !== undefined && precondition !== current.modRevision) throw conflict(d, info.name);
    try {
      return await finishUpdate(ctx, d, info, next, current, target);
    } catch (error) {
      if (isLostRace(error) && precondition === undefined && attempt + 1 < UPDATE_TRIES_MAX) continue;
      // An IP or port the update asks for is held by another Service: 422, as on create.
      if (error instanceof ExtrasConflictError) throw ctx.services.takenError(next);
      throw error;
    }
  }
}

export async function updateObject(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, body: Record<string, unknown>, target: UpdateTarget): Promise<RestResult> {
  const { object, warnings } = decodeBody(d, body, fieldValidationOf(info.query));
  const typed = checkTypeMeta(d, structuredClone(object));
  const precondition = preconditionOf(typed);
  const stored = await guaranteedUpdate(ctx, d, info, target, (current) => {
    const next = structuredClone(typed);
    // An unconditional update (no resourceVersion in the body) writes over whatever is
    // stored, as kube-apiserver does for kinds that allow it: it takes the stored version.
    if (precondition === undefined) next.metadata.resourceVersion = String(current.modRevision);
    return { next, precondition };
  });
  return { status: 200, body: stored.object, warnings };
}

/** autoscaling/v1 Scale of an object with a scale subresource. */
export function toScale(d: KindDeclaration, obj: KubeObject): Record<string, unknown> {
  const paths = d.scale;
  const selector = paths === undefined ? undefined : getPath(obj, paths.labelSelectorPath);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: paths === undefined ? 0 : (getPath(obj, paths.specReplicasPath) ?? 0) },
    status: {
      replicas: paths === undefined ? 0 : (getPath(obj, paths.statusReplicasPath) ?? 0),
      ...(isPlainObject(selector) ? { selector: selectorString(selector) } : {}),
    },
  };
}

function selectorString(selector: Record<string, unknown>): string {
  const labels = isPlainObject(selector['matchLabels']) ? selector['matchLabels'] : {};
  return Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`).sort().join(',');
}

/** Writes a Scale's spec.replicas into the object (PUT or PATCH of /scale). */
export function applyScale(d: KindDeclaration, obj: KubeObject, scale: unknown): KubeObject {
  const paths = d.scale;
  const replicas = getPath(scale, 'spec.replicas');
  if (paths === undefined) throw badRequest('the server could not find the requested resource');
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    const errors: FieldError[] = [{ type: 'FieldValueInvalid', field: 'spec.replicas', badValue: replicas ?? null, detail: 'must be greater than or equal to 0' }];
    throw invalid(invalidMessage('Scale.autoscaling', obj.metadata.name ?? '', errors), { group: 'autoscaling', kind: 'Scale', name: obj.metadata.name ?? '' }, toStatusCauses(errors));
  }
  const next = structuredClone(obj);
  setPath(next as Record<string, unknown>, paths.specReplicasPath, replicas);
  return next;
}
