/**
 * All OpenAPI definitions, keyed by Kubernetes' definition names
 * (io.k8s.api.core.v1.Pod). The API server publishes them under /openapi/v3; strategic
 * merge patch and schema type checks resolve $refs through `resolveSchema`.
 */
import { REF_PREFIX } from './builders.js';
import { coreDefinitions } from './definitions-core.js';
import { metaDefinitions } from './definitions-meta.js';
import { workloadDefinitions } from './definitions-workloads.js';
import type { OpenApiSchema } from './openapi.js';

export const SCHEMA_DEFINITIONS: Readonly<Record<string, OpenApiSchema>> = {
  ...metaDefinitions,
  ...coreDefinitions,
  ...workloadDefinitions,
};

/** Follows a $ref (or allOf: [$ref]) to its definition; other schemas are returned as they are. */
export function resolveSchema(schema: OpenApiSchema | undefined): OpenApiSchema | undefined {
  let current = schema;
  for (let hops = 0; current !== undefined && hops < 8; hops++) {
    const target = current.$ref ?? current.allOf?.[0]?.$ref;
    if (target === undefined) return current;
    current = SCHEMA_DEFINITIONS[target.slice(REF_PREFIX.length)];
  }
  return current;
}

export function definition(name: string): OpenApiSchema {
  const found = SCHEMA_DEFINITIONS[name];
  if (found === undefined) throw new Error(`no schema definition ${name}`);
  return found;
}
