import type { KindDeclaration } from '../../api/kind.js';
import { isPlainObject } from '../../api/object.js';
import { resolveSchema } from '../../api/schema/definitions.js';
import type { OpenApiSchema } from '../../api/schema/openapi.js';

const UNKNOWN_FIELDS_MAX = 100;
const DEPTH_MAX = 64;

/**
 * Fields of a request body that the kind's OpenAPI schema does not declare, as the strict
 * decoder names them (`spec.foo`, `spec.containers[0].bar`). Maps and preserve-unknown
 * subtrees accept any key.
 */
export function unknownFieldPaths(d: KindDeclaration, obj: unknown): string[] {
  const found: string[] = [];
  walk(d.schema, obj, '', found, 0);
  return found;
}

function walk(schemaIn: OpenApiSchema | undefined, value: unknown, path: string, found: string[], depth: number): void {
  const schema = resolveSchema(schemaIn);
  if (schema === undefined || found.length >= UNKNOWN_FIELDS_MAX || depth > DEPTH_MAX) return;
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    if (schema.items !== undefined) value.forEach((item, i) => walk(schema.items, item, `${path}[${i}]`, found, depth + 1));
    return;
  }
  if (!isPlainObject(value)) return;
  if (schema.properties === undefined) {
    if (isPlainObject(schema.additionalProperties)) {
      for (const [key, child] of Object.entries(value)) walk(schema.additionalProperties, child, path === '' ? key : `${path}.${key}`, found, depth + 1);
    }
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const property = schema.properties[key];
    if (property === undefined) {
      if (schema.additionalProperties === undefined || schema.additionalProperties === false) found.push(childPath);
      continue;
    }
    walk(property, child, childPath, found, depth + 1);
  }
}
