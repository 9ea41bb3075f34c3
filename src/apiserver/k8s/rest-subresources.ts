import type { IncomingMessage } from 'node:http';
import { bindPod, validateBinding, type Binding } from '../../api/bodies/binding.js';
import { validateEviction, type DeleteOptions, type Eviction } from '../../api/bodies/eviction.js';
import { isApiModelError } from '../../api/errors.js';
import { invalidMessage, toStatusCauses } from '../../api/field-errors.js';
import type { KindDeclaration } from '../../api/kind.js';
import { isPlainObject } from '../../api/object.js';
import type { Pod } from '../../api/kinds/pod-spec/types.js';
import { badRequest, conflict, invalid, methodNotAllowed } from './api-errors.js';
import { readObjectBody } from './http-io.js';
import { metaTime } from './object-lifecycle.js';
import type { RestContext, RestResult } from './rest-context.js';
import { evictPod } from './rest-delete.js';
import { isDryRun, isLostRace, UPDATE_TRIES_MAX } from './rest-write.js';
import type { ResourceRequest } from './request-info.js';

/**
 * POST to a subresource: pods/<name>/binding (how a scheduler assigns a pod to a node) and
 * pods/<name>/eviction (`kubectl drain`). Both answer 201 with a Success Status, as
 * kube-apiserver does. A POST to any other subresource is refused: the body is never taken
 * for a new object.
 */
export async function createSubresource(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, req: IncomingMessage): Promise<RestResult> {
  const podsOf = d.group === '' && d.resource === 'pods';
  if (podsOf && info.subresource === 'binding') return bind(ctx, d, info, await readObjectBody(req));
  if (podsOf && info.subresource === 'eviction') return evict(ctx, d, info, await readObjectBody(req));
  throw methodNotAllowed();
}

const CREATED: RestResult = { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };

function checkBodyType(body: Record<string, unknown>, apiVersions: readonly string[], kind: string): void {
  const apiVersion = body['apiVersion'];
  if (apiVersion !== undefined && !apiVersions.includes(apiVersion as string)) {
    throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${apiVersions[0] ?? ''})`);
  }
  if (body['kind'] !== undefined && body['kind'] !== kind) {
    throw badRequest(`the kind in the data (${String(body['kind'])}) does not match the expected kind (${kind})`);
  }
  if (body['metadata'] !== undefined && !isPlainObject(body['metadata'])) throw badRequest(`${kind}.metadata must be an object`);
}

/** BindingREST.Create: the pod gets spec.nodeName and a PodScheduled condition, once. */
async function bind(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, body: Record<string, unknown>): Promise<RestResult> {
  checkBodyType(body, ['v1'], 'Binding');
  const binding = body as unknown as Binding;
  if (!isPlainObject(body['target'])) throw badRequest('Binding.target must be an object');
  if ((binding.metadata?.name ?? '') !== info.name) throw badRequest('name in URL does not match name in Binding object');
  const errors = validateBinding(binding);
  if (errors.length > 0) throw invalid(invalidMessage('Binding', info.name, errors), { group: '', kind: 'Binding', name: info.name }, toStatusCauses(errors));
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.store.mustGet(d, info.namespace, info.name);
    let bound: Pod;
    try {
      bound = bindPod(current.object as Pod, binding, metaTime(ctx.nowMs()));
    } catch (error) {
      if (isApiModelError(error, 'API_BINDING_CONFLICT')) throw conflict({ group: '', resource: 'pods/binding' }, info.name, error.message);
      throw error;
    }
    if (isDryRun(info.query)) return CREATED;
    try {
      await ctx.store.update(d, bound, current.modRevision);
      return CREATED;
    } catch (error) {
      if (!isLostRace(error) || attempt + 1 >= UPDATE_TRIES_MAX) throw error;
    }
  }
}

/** EvictionREST.Create without disruption budgets: a graceful delete with the body's options. */
async function evict(ctx: RestContext, d: KindDeclaration, info: ResourceRequest, body: Record<string, unknown>): Promise<RestResult> {
  checkBodyType(body, ['policy/v1', 'policy/v1beta1'], 'Eviction');
  const eviction = body as unknown as Eviction;
  if (eviction.deleteOptions !== undefined && !isPlainObject(eviction.deleteOptions)) throw badRequest('Eviction.deleteOptions must be an object');
  const { errors, badRequest: why } = validateEviction(eviction, info.name);
  if (why !== undefined) throw badRequest(why);
  if (errors.length > 0) throw invalid(invalidMessage('Eviction.policy', info.name, errors), { group: 'policy', kind: 'Eviction', name: info.name }, toStatusCauses(errors));
  const options: DeleteOptions = eviction.deleteOptions ?? {};
  const dryRun = isDryRun(info.query) || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
  await evictPod(ctx, d, info, {
    dryRun,
    ...(typeof options.gracePeriodSeconds === 'number' ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
    ...(typeof options.propagationPolicy === 'string' ? { propagationPolicy: options.propagationPolicy } : {}),
    ...(isPlainObject(options.preconditions) ? { preconditions: options.preconditions } : {}),
  });
  return CREATED;
}

/**
 * GET pods/<name>/log, as LogREST: the container named by `container` (required when the
 * pod has more than one). A pod no node has taken has no logs yet: an empty text/plain body,
 * as kube-apiserver answers. Once a node has it, its logs would come from that node's kubelet,
 * which raftplane does not run: that is a 400 saying so, never the pod's JSON.
 */
export async function podLog(ctx: RestContext, d: KindDeclaration, info: ResourceRequest): Promise<string> {
  const stored = await ctx.store.mustGet(d, info.namespace, info.name);
  const spec = (stored.object as Pod).spec;
  const containers = (spec?.containers ?? []).map((c) => c.name);
  const container = info.query.get('container') ?? '';
  if (container === '' && containers.length > 1) {
    throw badRequest(`a container name must be specified for pod ${info.name}, choose one of: [${containers.join(' ')}]`);
  }
  if (container !== '' && !containers.includes(container) && !(spec?.initContainers ?? []).some((c) => c.name === container)) {
    throw badRequest(`container ${container} is not valid for pod ${info.name}`);
  }
  const node = spec?.nodeName ?? '';
  if (node === '') return '';
  throw badRequest(`container logs are not kept: no kubelet serves node "${node}"`);
}
