import type { IncomingMessage } from 'node:http';
import type { KindDeclaration } from '../../api/kind.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { badRequest } from './api-errors.js';
import { decodeDocument, mediaTypeOf, readRawBody } from './http-io.js';
import { checkTypeMeta } from './object-lifecycle.js';
import { applyJsonPatch, mergePatch, patchTypeOf, strategicMergePatch, type PatchType } from './patch-apply.js';
import type { RestContext, RestResult } from './rest-context.js';
import { applyScale, checkUnknownFields, fieldValidationOf, guaranteedUpdate, preconditionOf, toScale } from './rest-write.js';
import type { ResourceRequest } from './request-info.js';

function applyPatch(type: PatchType, d: KindDeclaration, base: unknown, patch: unknown): unknown {
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(base, patch);
    case 'application/merge-patch+json':
      return mergePatch(base, patch);
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
  const stored = await guaranteedUpdate(ctx, d, info, info.subresource === 'status' ? 'status' : 'main', (current) => {
    const base = scale ? toScale(d, current.object) : current.object;
    const patched = applyPatch(type, d, base, patch);
    if (!isPlainObject(patched)) throw badRequest('the patch did not produce an object');
    if (!scale) warnings = checkUnknownFields(d, patched, mode, type === 'application/apply-patch+yaml');
    const next: KubeObject = scale ? applyScale(d, current.object, patched) : checkTypeMeta(d, patched);
    return { next, precondition: type === 'application/json-patch+json' ? undefined : preconditionOf(patch) };
  });
  return { status: 200, body: scale ? toScale(d, stored.object) : stored.object, warnings };
}
