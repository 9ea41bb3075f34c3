/**
 * KindDeclaration: everything the API server needs to know about one kind, in one place.
 * Adding a kind is one file in src/api/kinds/ that exports a declaration, plus one line in
 * kinds/index.ts. The HTTP layer (src/apiserver) derives discovery, OpenAPI, REST handlers,
 * Table output, field selectors and patch behaviour from these declarations alone.
 */
import type { FieldError } from './field-errors.js';
import type { KubeObject } from './object.js';
import type { OpenApiSchema } from './schema/openapi.js';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export type SubresourceName = 'status' | 'scale' | 'binding' | 'eviction' | 'log';

/**
 * A subresource as discovery lists it (`pods/status`, `deployments/scale`). `kind` names the
 * body it takes and returns: the parent kind for status, autoscaling/v1 Scale for scale,
 * core/v1 Binding for binding, policy/v1 Eviction for eviction, and Pod for log (plain text).
 */
export interface SubresourceDeclaration {
  readonly name: SubresourceName;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly verbs: readonly Verb[];
}

/** Where the scale subresource reads and writes its three values, as in a CRD's scale spec. */
export interface ScalePaths {
  /** Dotted path of the desired replica count, e.g. `spec.replicas`. */
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  /** Path of the metav1.LabelSelector whose string form goes into Scale status.selector. */
  readonly labelSelectorPath: string;
}

export type PrinterColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

/** The per-request inputs of a Table row: the server's clock, so ages are reproducible. */
export interface PrintContext {
  readonly nowMs: number;
}

export type CellValue = string | number | boolean | null;

export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** One column of kube-apiserver's Table output (metav1.TableColumnDefinition + a cell function). */
export interface PrinterColumn<T extends KubeObject = KubeObject> {
  readonly name: string;
  readonly type: PrinterColumnType;
  /** '' or 'name' (the NAME column carries format 'name'). */
  readonly format: string;
  readonly description: string;
  /** 0: shown by default; 1: only with `-o wide`. */
  readonly priority: 0 | 1;
  cell(obj: T, context: PrintContext): CellValue;
}

/**
 * The server's rules for what a client may set, applied before validation. The API server
 * calls them after it has generated the name and set uid and creationTimestamp (Job's
 * selector is derived from the uid).
 */
export interface PrepareRules<T extends KubeObject = KubeObject> {
  /** Create: clear status (or set its initial value), set generation 1 where the kind has one. */
  prepareForCreate(obj: T): void;
  /** Update of the main resource: keep status from old, bump generation on spec change. */
  prepareForUpdate(obj: T, old: T): void;
  /** Update through /status: spec and every other non-metadata field come from old; generation is kept. */
  prepareForStatusUpdate(obj: T, old: T): void;
}

export interface KindDeclaration<T extends KubeObject = KubeObject> extends PrepareRules<T> {
  /** API group; '' is the core (legacy) group served under /api/v1. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural, lower case: the URL path segment (`pods`, `deployments`). */
  readonly resource: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  /** e.g. ['all'] for kinds that `kubectl get all` lists. */
  readonly categories: readonly string[];
  readonly namespaced: boolean;
  readonly verbs: readonly Verb[];
  readonly subresources: readonly SubresourceDeclaration[];
  /** Present when the kind has a scale subresource. */
  readonly scale?: ScalePaths;
  /** Fills defaults in place, as the API server does after decoding a request. */
  defaults(obj: T): void;
  /**
   * Field errors of a defaulted object; with `old`, the update rules (immutable fields)
   * as well. Metadata checks are included. An empty array means valid.
   */
  validate(obj: T, old?: T): FieldError[];
  /** Field errors of an update through /status: the metadata update rules plus status checks. */
  validateStatus?(obj: T, old: T): FieldError[];
  readonly printerColumns: readonly PrinterColumn<T>[];
  /** metav1.TableRow conditions (a finished pod's row is marked Completed). */
  rowConditions?(obj: T): TableRowCondition[];
  /**
   * Fields a field selector may use, each with the function giving its value for an object.
   * Always includes metadata.name and metadata.namespace (as kube-apiserver's DefaultClusterScopedAttr).
   */
  readonly selectableFields: Readonly<Record<string, (obj: T) => string>>;
  /** The kind's OpenAPI v3 schema; $refs point into `schemaDefinitions()` (schema/definitions.ts). */
  readonly schema: OpenApiSchema;
  /** The OpenAPI definition name, e.g. io.k8s.api.core.v1.Pod. */
  readonly definitionName: string;
}

/** `v1` for core, `apps/v1` otherwise: the apiVersion field of objects of this kind. */
export function apiVersionOf(declaration: Pick<KindDeclaration, 'group' | 'version'>): string {
  return declaration.group === '' ? declaration.version : `${declaration.group}/${declaration.version}`;
}

/** `Pod`, `Deployment.apps`: how apierrors names a kind in messages (schema.GroupKind.String()). */
export function qualifiedKindOf(declaration: Pick<KindDeclaration, 'group' | 'kind'>): string {
  return declaration.group === '' ? declaration.kind : `${declaration.kind}.${declaration.group}`;
}

/** `pods`, `deployments.apps`: schema.GroupResource.String(), used in NotFound and Forbidden. */
export function qualifiedResourceOf(declaration: Pick<KindDeclaration, 'group' | 'resource'>): string {
  return declaration.group === '' ? declaration.resource : `${declaration.resource}.${declaration.group}`;
}

export function listKindOf(declaration: Pick<KindDeclaration, 'kind'>): string {
  return `${declaration.kind}List`;
}

/**
 * Erases the object type so declarations of different kinds fit in one registry. Safe because
 * every function of a declaration is only called with objects of that declaration's kind.
 */
export function defineKind<T extends KubeObject>(declaration: KindDeclaration<T>): KindDeclaration {
  return declaration as unknown as KindDeclaration;
}
