import type { KindDeclaration } from '../../api/kind.js';

/**
 * Where objects live in the store: `/registry/<group>/<resource>/<namespace>/<name>` for
 * namespaced kinds and `/registry/<group>/<resource>/<name>` for cluster-scoped ones; the core
 * group is spelled `core`. Names and namespaces never contain '/', so a prefix ending in '/'
 * selects exactly one resource or one namespace of it.
 */
const encoder = new TextEncoder();

type Located = Pick<KindDeclaration, 'group' | 'resource' | 'namespaced'>;

export function resourcePrefix(declaration: Located, namespace = ''): string {
  const group = declaration.group === '' ? 'core' : declaration.group;
  const base = `/registry/${group}/${declaration.resource}/`;
  return declaration.namespaced && namespace !== '' ? `${base}${namespace}/` : base;
}

export function objectKey(declaration: Located, namespace: string, name: string): string {
  return `${resourcePrefix(declaration, declaration.namespaced ? namespace : '')}${name}`;
}

export const NAMESPACE_LOCATION: Located = { group: '', resource: 'namespaces', namespaced: false };

export function namespaceKey(namespace: string): string {
  return objectKey(NAMESPACE_LOCATION, '', namespace);
}

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The first key after every key that starts with `prefix` (etcd's prefix range end). */
export function prefixEnd(prefix: string): Uint8Array {
  const b = Buffer.from(prefix, 'utf8');
  for (let i = b.length - 1; i >= 0; i--) {
    if ((b[i] as number) < 0xff) {
      const end = b.subarray(0, i + 1);
      end[i] = (end[i] as number) + 1;
      return new Uint8Array(end);
    }
  }
  return new Uint8Array([0]);
}
