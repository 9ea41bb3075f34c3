import { randomInt, randomUUID } from 'node:crypto';
import { apiVersionOf, type KindDeclaration } from '../../api/kind.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { badRequest } from './api-errors.js';

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function metaTime(nowMs: number): string {
  return new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** names.SimpleNameGenerator: five characters from an alphabet without vowels or look-alikes. */
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const GENERATED_SUFFIX_LENGTH = 5;
const NAME_LENGTH_MAX = 63;

export function generateName(base: string): string {
  const head = base.length > NAME_LENGTH_MAX - GENERATED_SUFFIX_LENGTH ? base.slice(0, NAME_LENGTH_MAX - GENERATED_SUFFIX_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) suffix += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
  return head + suffix;
}

/**
 * Checks apiVersion and kind of a request body against the URL's kind and fills them in,
 * and gives metadata its object shape. Messages are the decoder's.
 */
export function checkTypeMeta(d: KindDeclaration, body: Record<string, unknown>): KubeObject {
  const expected = apiVersionOf(d);
  const apiVersion = body['apiVersion'];
  const kind = body['kind'];
  if (apiVersion !== undefined && apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (kind !== undefined && kind !== d.kind) {
    throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${d.kind})`);
  }
  const metadata = body['metadata'] ?? {};
  if (!isPlainObject(metadata)) {
    throw badRequest(`${d.kind} in version "${d.version}" cannot be handled as a ${d.kind}: json: cannot unmarshal ${Array.isArray(metadata) ? 'array' : typeof metadata} into Go struct field ${d.kind}.metadata of type v1.ObjectMeta`);
  }
  return { ...body, apiVersion: expected, kind: d.kind, metadata } as KubeObject;
}

/** The URL's namespace wins; a different one in the body is refused (as kube-apiserver). */
export function applyRequestNamespace(d: KindDeclaration, obj: KubeObject, namespace: string): void {
  if (!d.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const given = obj.metadata.namespace;
  if (given !== undefined && given !== '' && given !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = namespace;
}

/** rest.FillObjectMetaSystemFields plus what BeforeCreate clears. */
export function fillCreateMeta(obj: KubeObject, nowMs: number): void {
  const meta = obj.metadata;
  if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
    meta.name = generateName(meta.generateName);
  }
  meta.uid = randomUUID();
  meta.creationTimestamp = metaTime(nowMs);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
}

/** System fields a client cannot change through update or patch. */
export function keepSystemMeta(obj: KubeObject, old: KubeObject): void {
  const meta = obj.metadata;
  const previous = old.metadata;
  meta.uid = previous.uid ?? '';
  meta.creationTimestamp = previous.creationTimestamp ?? null;
  if (previous.deletionTimestamp === undefined) delete meta.deletionTimestamp;
  else meta.deletionTimestamp = previous.deletionTimestamp;
  if (previous.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
  else meta.deletionGracePeriodSeconds = previous.deletionGracePeriodSeconds;
  if (previous.generation !== undefined && meta.generation === undefined) meta.generation = previous.generation;
  delete meta.selfLink;
}

/** Reads a dotted path such as `spec.replicas`. */
export function getPath(obj: unknown, path: string): unknown {
  let cursor: unknown = obj;
  for (const part of path.split('.')) {
    if (!isPlainObject(cursor)) return undefined;
    cursor = cursor[part];
  }
  return cursor;
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cursor: Record<string, unknown> = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cursor[part];
    if (!isPlainObject(next)) cursor[part] = {};
    cursor = cursor[part] as Record<string, unknown>;
  }
  cursor[parts[parts.length - 1] as string] = value;
}
