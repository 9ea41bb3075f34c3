import { createHash } from 'node:crypto';
import type { KindDeclaration } from '../../api/kind.js';
import type { KindRegistry } from '../../api/registry.js';
import { SCHEMA_DEFINITIONS } from '../../api/schema/definitions.js';
import { REF_PREFIX } from '../../api/schema/builders.js';
import type { OpenApiSchema } from '../../api/schema/openapi.js';

/**
 * OpenAPI v3 as kube-apiserver publishes it: /openapi/v3 lists one document per
 * group-version, each with the kinds' paths and every schema they reference. kubectl reads
 * the PATCH operations' x-kubernetes-group-version-kind and fieldValidation parameter to
 * decide that the server validates fields, and the schemas' patch extensions for apply.
 */
const QUERY_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'];

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function operation(d: KindDeclaration, action: string, withBody: boolean): Record<string, unknown> {
  return {
    operationId: `${action}${d.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: d.group, version: d.version, kind: d.kind },
    parameters: QUERY_PARAMETERS.map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } })),
    ...(withBody ? { requestBody: { content: { 'application/json': { schema: { $ref: `${REF_PREFIX}${d.definitionName}` } } }, required: true } } : {}),
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `${REF_PREFIX}${d.definitionName}` } } } } },
  };
}

function collectRefs(schema: unknown, into: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) collectRefs(item, into);
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) {
      const name = value.slice(REF_PREFIX.length);
      if (!into.has(name)) {
        into.add(name);
        collectRefs(SCHEMA_DEFINITIONS[name], into);
      }
    } else collectRefs(value, into);
  }
}

export function groupVersionDocument(registry: KindRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const kinds = registry.resourcesOf(group, version);
  if (kinds.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, OpenApiSchema> = {};
  const names = new Set<string>();
  for (const d of kinds) {
    const base = `/${gvPath(group, version)}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}`;
    paths[base] = { get: operation(d, 'list', false), post: operation(d, 'post', true) };
    paths[`${base}/{name}`] = { get: operation(d, 'get', false), put: operation(d, 'put', true), patch: operation(d, 'patch', true), delete: operation(d, 'delete', false) };
    const schema: OpenApiSchema = { ...d.schema, 'x-kubernetes-group-version-kind': [{ group: d.group, version: d.version, kind: d.kind }] };
    schemas[d.definitionName] = schema;
    names.add(d.definitionName);
    collectRefs(d.schema, names);
  }
  for (const name of names) {
    const found = SCHEMA_DEFINITIONS[name];
    if (schemas[name] === undefined && found !== undefined) schemas[name] = found;
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

export function openApiRoot(registry: KindRegistry, documentHash: (group: string, version: string) => string): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of registry.groupVersions()) {
    const path = gvPath(gv.group, gv.version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(gv.group, gv.version)}` };
  }
  return { paths };
}

/** Documents are computed once per registry: the kinds never change while a peer runs. */
export class OpenApiV3 {
  private readonly documents = new Map<string, { text: string; hash: string }>();

  constructor(private readonly registry: KindRegistry) {
    for (const gv of registry.groupVersions()) {
      const doc = groupVersionDocument(registry, gv.group, gv.version);
      if (doc === undefined) continue;
      const text = JSON.stringify(doc);
      this.documents.set(gvPath(gv.group, gv.version), { text, hash: createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase() });
    }
  }

  root(): string {
    return JSON.stringify(openApiRoot(this.registry, (g, v) => this.documents.get(gvPath(g, v))?.hash ?? ''));
  }

  /** `api/v1`, `apis/apps/v1` */
  document(path: string): string | undefined {
    return this.documents.get(path)?.text;
  }
}

