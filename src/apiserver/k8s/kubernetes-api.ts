import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDeclaration } from '../../api/kind.js';
import type { KindRegistry } from '../../api/registry.js';
import type { KvStore } from '../../peer/kv-store.js';
import type { Logger } from '../../util/logger.js';
import { authorize, type RequestAttributes } from '../security/authorizer.js';
import type { TokenAuthenticator } from '../security/authenticator.js';
import type { UserInfo } from '../security/token-file.js';
import { forbidden, forbiddenPath, methodNotAllowed, resourceNotFound, unauthorized } from './api-errors.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupList,
  apiGroupOf,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregated,
} from './discovery.js';
import { toApiError } from './error-mapping.js';
import { negotiate, readObjectBody, sendError, sendJson } from './http-io.js';
import { parseListQuery } from './list-query.js';
import { ensureSystemNamespaces } from './namespaces-bootstrap.js';
import { ensureDefaultService, type ApiEndpoint } from './default-service.js';
import { OpenApiV3 } from './openapi-v3.js';
import { parseRequestInfo, type NonResourceRequest, type ResourceRequest } from './request-info.js';
import { ResourceStore } from './resource-store.js';
import type { RestContext, RestResult } from './rest-context.js';
import { deleteCollection, deleteObject } from './rest-delete.js';
import { patchObject } from './rest-patch.js';
import { getObject, listObjects } from './rest-read.js';
import { applyScale, createObject, guaranteedUpdate, preconditionOf, toScale, updateObject } from './rest-write.js';
import { Compactor, DEFAULT_COMPACTION_INTERVAL_MS } from './compactor.js';
import { DEFAULT_SERVICE_RANGES, ServiceAllocator, type ServiceRanges } from './service-allocator.js';
import { resourcePrefix } from './storage-keys.js';
import { parseIncludeObject } from './table-output.js';
import { serveWatch } from './watch-stream.js';
import { createSubresource, podLog } from './rest-subresources.js';

export interface KubernetesApiOptions {
  readonly store: KvStore;
  readonly registry: KindRegistry;
  readonly authenticator: TokenAuthenticator;
  readonly logger: Logger;
  readonly nowMs?: () => number;
  readonly serviceRanges?: ServiceRanges;
  readonly bookmarkEveryMs?: number;
  /** How often the history is compacted (kube-apiserver's --etcd-compaction-interval); 0 turns it off. */
  readonly compactionIntervalMs?: number;
  /** Where clients reach the API (the load balancer): the default `kubernetes` Service points there. */
  readonly apiEndpoint?: ApiEndpoint;
}

/** Paths anyone may read without a token (kube-apiserver's system:public-info-viewer). */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);
const BOOTSTRAP_RETRY_MS = 500;

/**
 * The Kubernetes REST API of one peer: plug `handle` into startApiServer's `fallback`, and
 * call `start()` once so the system namespaces exist once a leader is elected.
 */
export class KubernetesApi {
  private readonly ctx: RestContext;
  private readonly openapi: OpenApiV3;
  private bootstrapTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly compactor: Compactor;

  constructor(private readonly options: KubernetesApiOptions) {
    this.ctx = {
      store: new ResourceStore(options.store),
      registry: options.registry,
      nowMs: options.nowMs ?? (() => Date.now()),
      services: new ServiceAllocator(options.serviceRanges ?? DEFAULT_SERVICE_RANGES),
    };
    this.openapi = new OpenApiV3(options.registry);
    this.compactor = new Compactor(options.store, options.compactionIntervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS, options.logger.child({ component: 'compactor' }));
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    this.serve(req, res).catch((error: unknown) => {
      const apiError = toApiError(error);
      if (apiError.httpStatus >= 500) this.options.logger.warn({ err: error, url: req.url }, 'Kubernetes API request failed');
      sendError(res, apiError);
    });

  /**
   * Starts the history compactor and creates the system namespaces and the default
   * `kubernetes` Service, retrying until the store takes writes; resolves when they exist.
   */
  start(): Promise<void> {
    this.compactor.start();
    return new Promise((resolve) => {
      const attempt = (): void => {
        if (this.stopped) return resolve();
        this.bootstrap().then(resolve, (error: unknown) => {
          this.options.logger.debug({ err: error }, 'system namespaces not created yet; retrying');
          this.bootstrapTimer = setTimeout(attempt, BOOTSTRAP_RETRY_MS);
        });
      };
      attempt();
    });
  }

  /** kube-apiserver's first-start objects: the system namespaces, then the `kubernetes` Service. */
  private async bootstrap(): Promise<void> {
    const { store, registry, services } = this.ctx;
    await ensureSystemNamespaces(store, registry, this.ctx.nowMs());
    const endpoint = this.options.apiEndpoint;
    if (endpoint === undefined) return;
    await ensureDefaultService(store, registry, services, endpoint, this.ctx.nowMs(), (message) => this.options.logger.warn(message));
  }

  stop(): void {
    this.stopped = true;
    this.compactor.stop();
    if (this.bootstrapTimer !== undefined) clearTimeout(this.bootstrapTimer);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const info = parseRequestInfo(req.method ?? 'GET', req.url ?? '/');
    const user = this.options.authenticator.authenticate(req);
    if (user === undefined && !(PUBLIC_PATHS.has(info.path) && req.method === 'GET')) throw unauthorized();
    if (user !== undefined) this.authorizeRequest(user, info);
    if (!info.isResourceRequest) return this.serveNonResource(req, res, info);
    return this.serveResource(req, res, info);
  }

  private authorizeRequest(user: UserInfo, info: NonResourceRequest | ResourceRequest): void {
    const attributes: RequestAttributes = info.isResourceRequest
      ? { user, verb: info.verb, isResourceRequest: true, path: info.path, apiGroup: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name }
      : { user, verb: info.verb, isResourceRequest: false, path: info.path, apiGroup: '', resource: '', subresource: '', namespace: '', name: '' };
    const decision = authorize(attributes);
    if (decision.allowed) return;
    if (!info.isResourceRequest) throw forbiddenPath(decision.message);
    throw forbidden({ group: info.group, resource: info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}` }, info.name, decision.message);
  }

  private serveNonResource(req: IncomingMessage, res: ServerResponse, info: NonResourceRequest): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    const [first, second, third, ...rest] = info.segments;
    const registry = this.ctx.registry;
    const aggregated = wantsAggregated(req.headers.accept);
    const answer = (body: unknown, contentType?: string): void =>
      sendJson(res, 200, body, contentType === undefined ? {} : { 'content-type': contentType });
    if (first === 'version' && second === undefined) return answer(versionInfo());
    if (first === 'api' && second === undefined) {
      return aggregated ? answer(aggregatedDiscovery(registry, true), AGGREGATED_DISCOVERY_CONTENT_TYPE) : answer(apiVersions());
    }
    if (first === 'apis' && second === undefined) {
      return aggregated ? answer(aggregatedDiscovery(registry, false), AGGREGATED_DISCOVERY_CONTENT_TYPE) : answer(apiGroupList(registry));
    }
    if (first === 'api' && second !== undefined && third === undefined) {
      const list = apiResourceList(registry, '', second);
      if (list !== undefined) return answer(list);
    }
    if (first === 'apis' && second !== undefined && rest.length === 0) {
      const found = third === undefined ? apiGroupOf(registry, second) : apiResourceList(registry, second, third);
      if (found !== undefined) return answer(found);
    }
    if (first === 'openapi' && second === 'v3') {
      if (third === undefined) return answer(JSON.parse(this.openapi.root()));
      const document = this.openapi.document(info.segments.slice(2).join('/'));
      if (document !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(document), 'cache-control': 'public, immutable' });
        res.end(document);
        return;
      }
    }
    throw resourceNotFound();
  }

  private declarationOf(info: ResourceRequest): KindDeclaration {
    const d = this.ctx.registry.byResource(info.group, info.version, info.resource);
    if (d === undefined) throw resourceNotFound();
    if (info.subresource !== '' && !d.subresources.some((s) => s.name === info.subresource)) throw resourceNotFound();
    if (!d.namespaced && info.namespace !== '' && info.resource !== 'namespaces') throw resourceNotFound();
    const collectionVerb = info.verb === 'list' || info.verb === 'watch' || info.verb === 'deletecollection';
    if (d.namespaced && info.namespace === '' && (!collectionVerb || info.verb === 'deletecollection')) throw resourceNotFound();
    if (info.verb === 'create' && info.name !== '' && info.subresource === '') throw methodNotAllowed();
    // A cluster-scoped kind under a namespace path does not exist; a collection takes no PUT or PATCH.
    if (!d.namespaced && info.namespace !== '') throw resourceNotFound();
    if ((info.verb === 'update' || info.verb === 'patch') && info.name === '') throw methodNotAllowed();
    const verbs = info.subresource === '' ? d.verbs : (d.subresources.find((s) => s.name === info.subresource)?.verbs ?? []);
    if (!(verbs as readonly string[]).includes(info.verb)) throw methodNotAllowed();
    return d;
  }

  private async serveResource(req: IncomingMessage, res: ServerResponse, info: ResourceRequest): Promise<void> {
    const d = this.declarationOf(info);
    const format = negotiate(req);
    const answer = (result: RestResult): void => {
      const headers: Record<string, string> = {};
      if (result.warnings !== undefined && result.warnings.length > 0) {
        headers['warning'] = result.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
      }
      sendJson(res, result.status, result.body, headers);
    };
    switch (info.verb) {
      case 'get':
        if (info.subresource === 'log' && d.group === '' && d.resource === 'pods') {
          const text = await podLog(this.ctx, d, info);
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(text)) });
          res.end(text);
          return;
        }
        return answer(await getObject(this.ctx, d, info, format));
      case 'list':
        return answer(await listObjects(this.ctx, d, info, format));
      case 'watch':
        return serveWatch(req, res, {
          store: this.ctx.store,
          declaration: d,
          namespace: info.namespace,
          query: parseListQuery(d, withNameSelector(info.query, info.name), resourcePrefix(d, info.namespace), true),
          format,
          include: parseIncludeObject(info.query.get('includeObject')),
          nowMs: this.ctx.nowMs,
          ...(this.options.bookmarkEveryMs === undefined ? {} : { bookmarkEveryMs: this.options.bookmarkEveryMs }),
        });
      case 'create':
        if (info.subresource !== '') return answer(await createSubresource(this.ctx, d, info, req));
        return answer(await createObject(this.ctx, d, info, await readObjectBody(req)));
      case 'update':
        return answer(await this.update(req, d, info));
      case 'patch':
        return answer(await patchObject(this.ctx, d, info, req));
      case 'delete':
        return answer(await deleteObject(this.ctx, d, info, req));
      case 'deletecollection':
        return answer(await deleteCollection(this.ctx, d, info, req));
      default:
        throw methodNotAllowed();
    }
  }

  private async update(req: IncomingMessage, d: KindDeclaration, info: ResourceRequest): Promise<RestResult> {
    const body = await readObjectBody(req);
    if (info.subresource === 'scale') {
      const precondition = preconditionOf(body);
      const stored = await guaranteedUpdate(this.ctx, d, info, 'main', (current) => ({ next: applyScale(d, current.object, body), precondition }));
      return { status: 200, body: toScale(d, stored.object) };
    }
    return updateObject(this.ctx, d, info, body, info.subresource === 'status' ? 'status' : 'main');
  }
}

/** A watch of one named object is a watch of its collection with `metadata.name=<name>` (kube's ListResource). */
function withNameSelector(query: URLSearchParams, name: string): URLSearchParams {
  if (name === '') return query;
  const selected = new URLSearchParams(query);
  const existing = query.get('fieldSelector') ?? '';
  selected.set('fieldSelector', existing === '' ? `metadata.name=${name}` : `${existing},metadata.name=${name}`);
  return selected;
}
