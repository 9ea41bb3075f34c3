import type { IncomingMessage } from 'node:http';
import { apiVersionOf, listKindOf, type KindDeclaration } from '../../api/kind.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { badRequest, conflict, forbidden } from './api-errors.js';
import { decodeDocument, mediaTypeOf, readRawBody } from './http-io.js';
import { parseListQuery } from './list-query.js';
import { metaTime } from './object-lifecycle.js';
import { withVersion, type StoredObject } from './resource-store.js';
import type { RestContext, RestResult } from './rest-context.js';
import { isDryRun } from './rest-write.js';
import type { ResourceRequest } from './request-info.js';
import { bytes, prefixEnd, resourcePrefix, namespaceKey } from './storage-keys.js';

/** Namespaces kube-apiserver never lets go (the NamespaceLifecycle admission plugin). */
export const PROTECTED_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);
export const PROPAGATION_POLICY_ANNOTATION = 'raftplane.io/propagation-policy';
const POLICIES = ['Orphan', 'Background', 'Foreground'];
const DEFAULT_POD_GRACE_SECONDS = 30;

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: string;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
  /** DeleteOptions.dryRun: kubectl sends `--dry-run=server` for a delete in the body, not the query. */
  readonly dryRun: boolean;
}

async function readDeleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions> {
  const raw = (await readRawBody(req)).toString('utf8');
  const body = raw.trim() === '' ? {} : decodeDocument(raw, mediaTypeOf(req) === 'application/yaml' ? 'application/yaml' : 'application/json');
  if (!isPlainObject(body)) throw badRequest('DeleteOptions must be an object');
  const grace = query.get('gracePeriodSeconds') ?? body['gracePeriodSeconds'];
  const policy = query.get('propagationPolicy') ?? body['propagationPolicy'] ?? (body['orphanDependents'] === true ? 'Orphan' : undefined);
  if (policy !== undefined && (typeof policy !== 'string' || !POLICIES.includes(policy))) {
    throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  const graceNumber = grace === undefined || grace === null ? undefined : Number(grace);
  if (graceNumber !== undefined && (!Number.isInteger(graceNumber) || graceNumber < 0)) {
    throw badRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(grace)}: must be greater than or equal to 0`);
  }
  const pre = isPlainObject(body['preconditions']) ? (body['preconditions'] as DeleteOptions['preconditions']) : undefined;
  return {
    dryRun: isDryRun(query) || bodyDryRun(body['dryRun']),
    ...(graceNumber === undefined ? {} : { gracePeriodSeconds: graceNumber }),
    ...(policy === undefined ? {} : { propagationPolicy: policy as string }),
    ...(pre === undefined ? {} : { preconditions: pre }),
  };
}

function bodyDryRun(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value)) throw badRequest(`json: cannot unmarshal ${typeof value} into Go struct field DeleteOptions.dryRun of type []string`);
  for (const v of value) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(v)}: supported values: "All"`);
  return value.length > 0;
}

function checkPreconditions(d: KindDeclaration, current: StoredObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  const name = current.object.metadata.name ?? '';
  if (pre?.uid !== undefined && pre.uid !== current.object.metadata.uid) {
    throw conflict(d, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.object.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.object.metadata.resourceVersion) {
    throw conflict(d, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.object.metadata.resourceVersion ?? ''}`);
  }
}

/** Seconds a pod gets to stop: only pods bound to a node that is still running them wait. */
function podGraceSeconds(obj: KubeObject, options: DeleteOptions): number {
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
  const status = isPlainObject(obj['status']) ? obj['status'] : {};
  if (typeof spec['nodeName'] !== 'string' || spec['nodeName'] === '') return 0;
  if (status['phase'] === 'Succeeded' || status['phase'] === 'Failed') return 0;
  const declared = typeof spec['terminationGracePeriodSeconds'] === 'number' ? spec['terminationGracePeriodSeconds'] : DEFAULT_POD_GRACE_SECONDS;
  return options.gracePeriodSeconds ?? declared;
}

async function deleteOne(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, current: StoredObject, options: DeleteOptions): Promise<RestResult> {
  checkPreconditions(d, current, options);
  const { dryRun } = options;
  const obj = current.object;
  const name = obj.metadata.name ?? '';
  const namespace = obj.metadata.namespace ?? '';
  const isPod = d.group === '' && d.resource === 'pods';
  const grace = isPod ? podGraceSeconds(obj, options) : 0;
  const finalizers = obj.metadata.finalizers ?? [];
  if (finalizers.length > 0 || grace > 0) {
    const next = structuredClone(obj);
    const nowMs = ctx.nowMs();
    const previousGrace = obj.metadata.deletionGracePeriodSeconds;
    // A second delete may shorten the grace period, never lengthen it.
    const effective = previousGrace !== undefined ? Math.min(previousGrace, grace) : grace;
    if (obj.metadata.deletionTimestamp === undefined || obj.metadata.deletionTimestamp === null || effective !== previousGrace) {
      next.metadata.deletionTimestamp = metaTime(nowMs + effective * 1000);
    }
    next.metadata.deletionGracePeriodSeconds = effective;
    if (options.propagationPolicy !== undefined) {
      next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [PROPAGATION_POLICY_ANNOTATION]: options.propagationPolicy };
    }
    if (isPod && effective === 0 && finalizers.length === 0) {
      if (!dryRun) await ctx.store.remove(d, namespace, name, current.modRevision);
      return { status: 200, body: obj };
    }
    if (dryRun) return { status: 202, body: next };
    const stored = await ctx.store.update(d, next, current.modRevision);
    return { status: 202, body: stored.object };
  }
  if (dryRun) return { status: 200, body: obj };
  const released = d.group === '' && d.resource === 'services' ? { deletes: ctx.services.heldKeys(obj) } : undefined;
  if (d.group === '' && d.resource === 'namespaces') return deleteNamespace(ctx, current);
  const revision = await ctx.store.remove(d, namespace, name, current.modRevision, released);
  return { status: 200, body: withVersion(obj, revision) };
}

/**
 * Deleting a namespace deletes everything in it and it, in one txn, so `kubectl delete ns`
 * returns at once and nothing of the namespace can outlive it.
 */
async function deleteNamespace(ctx: RestContext, current: StoredObject): Promise<RestResult> {
  const name = current.object.metadata.name ?? '';
  if (PROTECTED_NAMESPACES.has(name)) throw forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
  const namespaced = ctx.registry.all().filter((d) => d.namespaced);
  const releases: string[] = [];
  for (const d of namespaced.filter((k) => k.group === '' && k.resource === 'services')) {
    const page = await ctx.store.list(d, { namespace: name, limit: 0, revision: 0 });
    for (const item of page.items) releases.push(...ctx.services.heldKeys(item.object));
  }
  const response = await ctx.store.kv.txn({
    compare: [{ result: 'EQUAL', target: 'MOD', key: bytes(namespaceKey(name)), modRevision: current.modRevision }],
    success: [
      ...namespaced.map((d) => ({ requestDeleteRange: { key: bytes(resourcePrefix(d, name)), rangeEnd: prefixEnd(resourcePrefix(d, name)) } })),
      ...releases.map((key) => ({ requestDeleteRange: { key: bytes(key) } })),
      { requestDeleteRange: { key: bytes(namespaceKey(name)) } },
    ],
  });
  if (!response.succeeded) throw conflict({ group: '', resource: 'namespaces' }, name);
  return { status: 200, body: withVersion(current.object, response.header.revision) };
}

/**
 * The delete an eviction asks for (policy/v1 Eviction): the pod goes as a DELETE with the
 * eviction's DeleteOptions would take it. There are no PodDisruptionBudgets to consult.
 */
export async function evictPod(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, options: DeleteOptions): Promise<void> {
  const current = await ctx.store.mustGet(d, info.namespace, info.name);
  await deleteOne(ctx, d, info, current, options);
}

export async function deleteObject(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, req: IncomingMessage): Promise<RestResult> {
  const options = await readDeleteOptions(req, info.query);
  const current = await ctx.store.mustGet(d, info.namespace, info.name);
  return deleteOne(ctx, d, info, current, options);
}

const COLLECTION_DELETE_MAX = 10_000;

export async function deleteCollection(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, req: IncomingMessage): Promise<RestResult> {
  const options = await readDeleteOptions(req, info.query);
  const q = parseListQuery(d, info.query, resourcePrefix(d, info.namespace));
  const page = await ctx.store.list(d, { namespace: info.namespace, limit: COLLECTION_DELETE_MAX, ...(q.filter === undefined ? {} : { filter: q.filter }) });
  const items: unknown[] = [];
  for (const item of page.items) {
    try {
      const result = await deleteOne(ctx, d, { ...info, name: item.object.metadata.name ?? '' }, item, options);
      items.push(result.body);
    } catch (error) {
      // Deleted or changed meanwhile: a collection delete does not fail for that.
      if ((error as { reason?: string }).reason !== 'NotFound' && (error as { reason?: string }).reason !== 'Conflict') throw error;
    }
  }
  return { status: 200, body: { kind: listKindOf(d), apiVersion: apiVersionOf(d), metadata: { resourceVersion: String(page.revision) }, items } };
}
