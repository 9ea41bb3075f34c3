import type { UserInfo } from './token-file.js';

/** Members may do anything (Kubernetes' cluster-admin binding of the same group). */
export const ADMIN_GROUP = 'system:masters';
/** Members may get, list and watch every resource but secrets (Kubernetes' `view` role). */
export const READ_ONLY_GROUP = 'raftplane:viewers';

const READ_VERBS: ReadonlySet<string> = new Set(['get', 'list', 'watch']);
/** Non-resource paths every authenticated user may read (system:discovery, system:public-info-viewer). */
const DISCOVERY_PREFIXES = ['/api', '/apis', '/openapi', '/version', '/healthz', '/livez', '/readyz'];

export interface RequestAttributes {
  readonly user: UserInfo;
  /** Kubernetes' verbs: get list watch create update patch delete deletecollection. */
  readonly verb: string;
  readonly isResourceRequest: boolean;
  readonly path: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly message: string };

function isDiscoveryPath(path: string): boolean {
  return DISCOVERY_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** kube-apiserver's forbiddenMessage, word for word, so clients print what they always print. */
export function forbiddenMessage(a: RequestAttributes): string {
  if (!a.isResourceRequest) return `User ${JSON.stringify(a.user.name)} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource === '' ? a.resource : `${a.resource}/${a.subresource}`;
  const head = `User ${JSON.stringify(a.user.name)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)}`;
  return a.namespace === '' ? `${head} at the cluster scope` : `${head} in the namespace ${JSON.stringify(a.namespace)}`;
}

/** Two fixed roles bound to groups: admin and read-only; everything else is refused. */
export function authorize(a: RequestAttributes): Decision {
  const groups = a.user.groups;
  if (groups.includes(ADMIN_GROUP)) return { allowed: true };
  if (!a.isResourceRequest) {
    if ((a.verb === 'get' || a.verb === 'head') && isDiscoveryPath(a.path)) return { allowed: true };
    return { allowed: false, message: forbiddenMessage(a) };
  }
  if (groups.includes(READ_ONLY_GROUP) && READ_VERBS.has(a.verb) && a.resource !== 'secrets') {
    return { allowed: true };
  }
  return { allowed: false, message: forbiddenMessage(a) };
}
