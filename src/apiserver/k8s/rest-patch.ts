import type { IncomingMessage } from 'node:http';
import type { KindDeclaration } from '../../api/kind.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { badRequest } from './api-errors.js';
import { decodeDocument, mediaTypeOf, readRawBody } from './http-io.js';
import { checkTypeMeta } from './object-lifecycle.js';
import { jsonMergePatch } from '../../api/patch/json-merge.js';
import { strategicMergePatch } from '../../api/patch/strategic-merge.js';
import { applyJsonPatch, patchTypeOf, type PatchType } from './patch-apply.js';
import type { RestContext, RestResult } from './rest-context.js';
import type { ApiError } from './api-errors.js';
import { applyScale, createObject, decodeBody, fieldValidationOf, guaranteedUpdate, preconditionOf, toScale } from './rest-write.js';
import type { ResourceRequest } from './request-info.js';

function applyPatch(type: PatchType, d: KindDeclaration, base: unknown, patch: unknown): unknown {
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(base, patch);
    case 'application/merge-patch+json':
      return jsonMergePatch(base, patch);
    case 'application/strategic-merge-patch+json':
      return strategicMergePatch(base, patch, d.schema);
    case 'application/apply-patch+yaml':
      // Server-side apply without field ownership: the applied configuration merges into the object.
      return strategicMergePatch(base, patch, d.schema);
  }
}

/** PATCH of an object, its status or its scale, retried on lost races (GuaranteedUpdate). */
export async function patchObject(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, req: IncomingMessage): Promise<RestResult> {
  const type = patchTypeOf(mediaTypeOf(req));
  const text = (await readRawBody(req)).toString('utf8');
  const patch = decodeDocument(text, type === 'application/apply-patch+yaml' ? type : 'application/json');
  if (type !== 'application/json-patch+json' && !isPlainObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
  }
  if (type === 'application/apply-patch+yaml' && (info.query.get('fieldManager') ?? '') === '') {
    throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  }
  const mode = fieldValidationOf(info.query);
  let warnings: string[] = [];
  const scale = info.subresource === 'scale';
  if (type === 'application/apply-patch+yaml' && info.subresource === '') {
    const created = await applyOrCreate(ctx, d, info, patch as Record<string, unknown>);
    if (created !== undefined) return created;
  }
  const stored = await guaranteedUpdate(ctx, d, info, info.subresource === 'status' ? 'status' : 'main', (current) => {
    const base = scale ? toScale(d, current.object) : current.object;
    const patched = applyPatch(type, d, base, patch);
    if (!isPlainObject(patched)) throw badRequest('the patch did not produce an object');
    const precondition = type === 'application/json-patch+json' ? jsonPatchPrecondition(patched, current.modRevision) : preconditionOf(patch);
    if (scale) return { next: applyScale(d, current.object, patched), precondition };
    const decoded = decodeBody(d, patched, mode, type === 'application/apply-patch+yaml');
    warnings = decoded.warnings;
    const next: KubeObject = checkTypeMeta(d, decoded.object);
    return { next, precondition };
  });
  return { status: 200, body: scale ? toScale(d, stored.object) : stored.object, warnings };
}

/**
 * A JSON patch that leaves a resourceVersion other than the stored one in the object asks
 * for that version, as an update with it would: kube-apiserver answers 409 Conflict. One
 * that leaves it alone (or removes it) is unconditional and retried on lost races.
 */
function jsonPatchPrecondition(patched: unknown, stored: number): number | undefined {
  const pinned = preconditionOf(patched);
  return pinned === stored ? undefined : pinned;
}

/**
 * Server-side apply of an object that does not exist creates it (201), as kube-apiserver
 * does; `kubectl apply --server-side` relies on it. Undefined: it exists, patch it.
 */
async function applyOrCreate(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, body: Record<string, unknown>): Promise<RestResult | undefined> {
  const existing = await ctx.store.get(d, info.namespace, info.name);
  if (existing !== undefined) return undefined;
  const metadata = isPlainObject(body['metadata']) ? body['metadata'] : {};
  if (metadata['name'] !== undefined && metadata['name'] !== info.name) {
    throw badRequest(`the name of the object (${String(metadata['name'])}) does not match the name on the URL (${info.name})`);
  }
  try {
    return await createObject(ctx, d, info, { ...body, metadata: { ...metadata, name: info.name } });
  } catch (error) {
    // Created meanwhile by someone else: apply onto theirs.
    if ((error as ApiError).reason === 'AlreadyExists') return undefined;
    throw error;
  }
}
