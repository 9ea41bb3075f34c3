/**
 * What a request is about, parsed from its method and URL as kube-apiserver's
 * RequestInfoFactory does: resource requests (`/api/v1/namespaces/ns/pods/x/status`) carry
 * group, version, namespace, resource, name, subresource and a Kubernetes verb; everything
 * else (discovery, OpenAPI, /version) is a non-resource request with verb get/post/....
 */
export interface ResourceRequest {
  readonly isResourceRequest: true;
  readonly path: string;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly resource: string;
  readonly name: string;
  readonly subresource: string;
  readonly query: URLSearchParams;
}

export interface NonResourceRequest {
  readonly isResourceRequest: false;
  readonly path: string;
  readonly verb: string;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

/** Subresources of a namespace: `/api/v1/namespaces/x/status` is not a resource "status" in x. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Go's strconv.ParseBool spellings of true, which is how kube-apiserver reads `watch`. */
const TRUE_SPELLINGS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

function isWatch(query: URLSearchParams): boolean {
  return TRUE_SPELLINGS.has(query.get('watch') ?? '');
}

function resourceVerb(method: string, name: string, query: URLSearchParams, watchPath: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      // As kube-apiserver's RequestInfoFactory: `?watch=true` turns only a collection GET
      // into a watch; on a named object it stays a get. The /watch/ path form watches one
      // object by name (the handler then selects metadata.name).
      if (watchPath || (name === '' && isWatch(query))) return 'watch';
      return name === '' ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name === '' ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

export function parseRequestInfo(method: string, rawUrl: string): RequestInfo {
  const url = new URL(rawUrl, 'http://localhost');
  const path = url.pathname;
  const segments = path.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const query = url.searchParams;
  const nonResource = (): NonResourceRequest => ({ isResourceRequest: false, path, verb: method.toLowerCase(), segments, query });
  let parts: string[];
  let group: string;
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    parts = segments.slice(1);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1] as string;
    parts = segments.slice(2);
  } else {
    return nonResource();
  }
  const version = parts[0] as string;
  parts = parts.slice(1);
  let watchPath = false;
  if (parts[0] === 'watch') {
    watchPath = true;
    parts = parts.slice(1);
  }
  let namespace = '';
  let underNamespace = false;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1] as string;
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] as string)) {
      parts = parts.slice(2);
      underNamespace = true;
    }
  }
  const [resource = '', nameSegment = '', subresource = '', ...rest] = parts;
  if (resource === '' || rest.length > 0) return nonResource();
  // `/api/v1/namespaces/x` names the namespace x itself; it lives at the cluster scope.
  // (`/api/v1/namespaces/x/namespaces` is a namespaced path to a cluster-scoped kind: nothing.)
  const isNamespaceObject = resource === 'namespaces' && !underNamespace;
  const name = nameSegment;
  return {
    isResourceRequest: true,
    path,
    verb: resourceVerb(method, name, query, watchPath),
    group,
    version,
    namespace: isNamespaceObject ? '' : namespace,
    resource,
    name,
    subresource,
    query,
  };
}
