import { apiVersionOf, listKindOf, type KindDeclaration } from '../../api/kind.js';
import { isStoreError } from '../../store/index.js';
import { timeout, tooOldResourceVersion } from './api-errors.js';
import type { OutputFormat } from './http-io.js';
import { continueExpired, encodeContinue, parseListQuery } from './list-query.js';
import type { RestContext, RestResult } from './rest-context.js';
import { toScale } from './rest-write.js';
import type { ResourceRequest } from './request-info.js';
import { resourcePrefix } from './storage-keys.js';
import { parseIncludeObject, toTable } from './table-output.js';

export async function getObject(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, format: OutputFormat): Promise<RestResult> {
  const stored = await ctx.store.mustGet(d, info.namespace, info.name);
  if (info.subresource === 'scale') return { status: 200, body: toScale(d, stored.object) };
  if (format === 'table') {
    const include = parseIncludeObject(info.query.get('includeObject'));
    const body = toTable(d, [stored.object], { resourceVersion: stored.object.metadata.resourceVersion }, { include, nowMs: ctx.nowMs() });
    return { status: 200, body };
  }
  return { status: 200, body: stored.object };
}

/** Maps the store's revision errors to what a Kubernetes list answers. */
function mapRevisionError(error: unknown, requested: number, continuing: { startKey: string; prefix: string } | undefined): unknown {
  if (isStoreError(error, 'STORE_COMPACTED')) {
    if (continuing !== undefined) return continueExpired(continuing.startKey, continuing.prefix);
    const compact = Number((error.details as { compactRevision?: number }).compactRevision ?? 0);
    return tooOldResourceVersion(requested, compact);
  }
  if (isStoreError(error, 'STORE_FUTURE_REVISION')) {
    const current = Number((error.details as { currentRevision?: number }).currentRevision ?? 0);
    return timeout(`Too large resource version: ${requested}, current: ${current}`);
  }
  return error;
}

export async function listObjects(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, format: OutputFormat): Promise<RestResult> {
  const prefix = resourcePrefix(d, info.namespace);
  const q = parseListQuery(d, info.query, prefix);
  const exact = q.resourceVersionMatch === 'Exact' && q.resourceVersion !== '' && q.resourceVersion !== '0';
  // A token with rv -1 (from an expired continue) goes on at the latest revision.
  const tokenRevision = q.continueToken?.revision;
  const revision = tokenRevision !== undefined ? Math.max(0, tokenRevision) : exact ? Number(q.resourceVersion) : 0;
  let page;
  try {
    page = await ctx.store.list(d, {
      namespace: info.namespace,
      limit: q.limit,
      revision,
      serializable: q.resourceVersion === '0',
      ...(q.continueToken === undefined ? {} : { startKey: q.continueToken.startKey }),
      ...(q.filter === undefined ? {} : { filter: q.filter }),
    });
  } catch (error) {
    throw mapRevisionError(error, revision, q.continueToken === undefined ? undefined : { startKey: q.continueToken.startKey, prefix });
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(page.revision) };
  if (page.nextKey !== undefined) {
    metadata['continue'] = encodeContinue({ revision: page.revision, startKey: page.nextKey }, prefix);
    if (q.filter === undefined && page.remainingKeys > 0) metadata['remainingItemCount'] = page.remainingKeys;
  }
  const items = page.items.map((i) => i.object);
  if (format === 'table') {
    const include = parseIncludeObject(info.query.get('includeObject'));
    return { status: 200, body: toTable(d, items, metadata, { include, nowMs: ctx.nowMs() }) };
  }
  return { status: 200, body: { kind: listKindOf(d), apiVersion: apiVersionOf(d), metadata, items } };
}
