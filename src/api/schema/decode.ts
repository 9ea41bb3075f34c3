/**
 * Decoding a request body against a kind's schema, the way kube-apiserver's JSON decoder
 * into Go structs behaves: a value of the wrong JSON type is an error worded like Go's
 * (`json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type
 * []v1.Container`); fields the schema does not know are dropped and reported, so the API
 * server can honour fieldValidation=Strict/Warn/Ignore; nulls in typed fields are dropped as
 * the zero values they decode to.
 */
import { hasOwn, isPlainObject, jsonDepthExceeds, setOwn } from '../object.js';
import { parseQuantity, QUANTITY_FORMAT_MESSAGE } from '../quantity.js';
import { REF_PREFIX } from './builders.js';
import { SCHEMA_DEFINITIONS } from './definitions.js';
import type { OpenApiSchema } from './openapi.js';

export interface DecodeResult {
  /** The body with unknown fields and typed nulls removed (a new object). */
  readonly value: unknown;
  /** Go-worded type errors; any one of them makes the request a 400. */
  readonly typeErrors: readonly string[];
  /** Dotted paths of dropped unknown fields (`spec.foo`), for `unknown field "spec.foo"`. */
  readonly unknownFields: readonly string[];
}

interface Context {
  readonly typeErrors: string[];
  readonly unknownFields: string[];
  /** The Go struct name the current field belongs to (last $ref followed). */
  structName: string;
}

/** Go's JSON decode errors name the kind of the offending JSON value this way. */
function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  if (typeof value === 'number') return `number ${String(value)}`;
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function shortName(definition: string): string {
  const parts = definition.split('.');
  return `${parts[parts.length - 2] ?? ''}.${parts[parts.length - 1] ?? ''}`;
}

function goTypeName(schema: OpenApiSchema): string {
  if (schema.$ref !== undefined) return shortName(schema.$ref.slice(REF_PREFIX.length));
  if (schema['x-kubernetes-int-or-string']) return schema.format === 'quantity' ? 'resource.Quantity' : 'intstr.IntOrString';
  switch (schema.type) {
    case 'array':
      return `[]${schema.items ? goTypeName(schema.items) : 'interface {}'}`;
    case 'object':
      return typeof schema.additionalProperties === 'object' ? `map[string]${goTypeName(schema.additionalProperties)}` : 'struct';
    case 'integer':
      return schema.format ?? 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return schema.format === 'date-time' ? 'v1.Time' : 'string';
    default:
      return 'interface {}';
  }
}

function isQuantity(value: string | number): boolean {
  try {
    parseQuantity(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Inline object schemas carry no Go type name; Kubernetes names them after their owner
 * (DeploymentSpec, PodStatus) or after the field (Strategy), which this follows.
 */
function inlineStructName(outerStruct: string, path: string): string {
  const field = path.split('.').pop() ?? '';
  const capitalized = field.charAt(0).toUpperCase() + field.slice(1);
  return field === 'spec' || field === 'status' ? `${outerStruct}${capitalized}` : capitalized;
}

function resolve(schema: OpenApiSchema, context: Context): OpenApiSchema {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined && hops < 8; hops++) {
    const name = current.$ref.slice(REF_PREFIX.length);
    const target = SCHEMA_DEFINITIONS[name];
    if (target === undefined) return { 'x-kubernetes-preserve-unknown-fields': true };
    context.structName = name.split('.').pop() ?? name;
    current = target;
  }
  return current;
}

/** A null list element decodes to the Go zero value of the element type. */
function zeroValue(declared: OpenApiSchema, context: Context): unknown {
  const outer = context.structName;
  const schema = resolve(declared, context);
  context.structName = outer;
  if (schema['x-kubernetes-int-or-string']) return 0;
  switch (schema.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return {};
  }
}

function typeError(value: unknown, declared: OpenApiSchema, path: string, context: Context): undefined {
  context.typeErrors.push(`json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ${context.structName}.${path} of type ${goTypeName(declared)}`);
  return undefined;
}

function decodeValue(value: unknown, declared: OpenApiSchema, path: string, context: Context): unknown {
  const outerStruct = context.structName;
  const schema = resolve(declared, context);
  try {
    if (schema['x-kubernetes-int-or-string']) {
      // Quantities also decode from any JSON number (resource.Quantity.UnmarshalJSON).
      const numberOk = typeof value === 'number' && (schema.format === 'quantity' || Number.isInteger(value));
      if (!(typeof value === 'string' || numberOk)) return typeError(value, declared, path, context);
      if (schema.format === 'quantity' && !isQuantity(value as string | number)) {
        // resource.Quantity's UnmarshalJSON error reaches the client as it is.
        context.typeErrors.push(QUANTITY_FORMAT_MESSAGE);
        return undefined;
      }
      return value;
    }
    switch (schema.type) {
      case 'string':
        return typeof value === 'string' ? value : typeError(value, declared, path, context);
      case 'boolean':
        return typeof value === 'boolean' ? value : typeError(value, declared, path, context);
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value) ? value : typeError(value, declared, path, context);
      case 'number':
        return typeof value === 'number' ? value : typeError(value, declared, path, context);
      case 'array': {
        if (!Array.isArray(value)) return typeError(value, declared, path, context);
        const items = schema.items;
        return items === undefined ? value : value.map((item) => (item === null ? zeroValue(items, context) : decodeValue(item, items, path, context)));
      }
      case 'object':
        if (!isPlainObject(value)) return typeError(value, declared, path, context);
        if (declared.$ref === undefined && schema.properties !== undefined) context.structName = inlineStructName(outerStruct, path);
        return decodeObject(value, schema, path, context);
      default:
        return value;
    }
  } finally {
    context.structName = outerStruct;
  }
}

function decodeObject(value: Record<string, unknown>, schema: OpenApiSchema, path: string, context: Context): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
  for (const [field, fieldValue] of Object.entries(value)) {
    const fieldPath = path === '' ? field : `${path}.${field}`;
    const declared = (schema.properties !== undefined && hasOwn(schema.properties, field) ? schema.properties[field] : undefined) ?? additional;
    if (declared === undefined) {
      if (preserve) setOwn(out, field, fieldValue);
      else context.unknownFields.push(fieldPath);
      continue;
    }
    if (fieldValue === null) continue;
    const decoded = decodeValue(fieldValue, declared, fieldPath, context);
    if (decoded !== undefined) setOwn(out, field, decoded);
  }
  return out;
}

/**
 * Decodes `body` as an instance of a kind: `target.schema` is its top-level schema (inline or
 * from SCHEMA_DEFINITIONS), `target.definitionName` its OpenAPI name (io.k8s.api.core.v1.Pod),
 * which names the Go struct in messages. A KindDeclaration fits as it is.
 */
export function decodeWithSchema(body: unknown, target: { readonly schema: OpenApiSchema; readonly definitionName: string }): DecodeResult {
  const { schema, definitionName } = target;
  const context: Context = { typeErrors: [], unknownFields: [], structName: definitionName.split('.').pop() ?? definitionName };
  if (jsonDepthExceeds(body)) return { value: body, typeErrors: ['exceeded max depth'], unknownFields: [] };
  if (!isPlainObject(body)) {
    return { value: body, typeErrors: [`json: cannot unmarshal ${jsonTypeName(body)} into Go value of type ${shortName(definitionName)}`], unknownFields: [] };
  }
  const value = decodeObject(body, resolve(schema, context), '', context);
  return { value, typeErrors: context.typeErrors, unknownFields: context.unknownFields };
}
