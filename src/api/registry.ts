/**
 * KindRegistry: finds a declaration the ways the API server and kubectl need to — by URL
 * (group, version, resource), by kind, by short name or singular — and lists the served
 * group-versions for discovery. Built once from the declarations in kinds/index.ts.
 */
import { assertionFailed } from '../util/assert.js';
import { apiVersionOf, type KindDeclaration } from './kind.js';

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
  /** `v1` or `apps/v1`. */
  readonly groupVersion: string;
}

const gvrKey = (group: string, version: string, resource: string): string => `${group}/${version}/${resource}`;
const gvkKey = (group: string, version: string, kind: string): string => `${group}/${version}/${kind}`;

export class KindRegistry {
  readonly #declarations: readonly KindDeclaration[];
  readonly #byResource = new Map<string, KindDeclaration>();
  readonly #byKind = new Map<string, KindDeclaration>();
  readonly #byName = new Map<string, KindDeclaration[]>();

  constructor(declarations: readonly KindDeclaration[]) {
    this.#declarations = [...declarations];
    for (const declaration of declarations) this.#add(declaration);
  }

  #add(declaration: KindDeclaration): void {
    const { group, version, resource, kind } = declaration;
    const byResourceKey = gvrKey(group, version, resource);
    if (this.#byResource.has(byResourceKey)) assertionFailed(`resource ${byResourceKey} declared twice`);
    if (!(resource === resource.toLowerCase())) assertionFailed(`resource ${resource} must be lower case`);
    this.#byResource.set(byResourceKey, declaration);
    this.#byKind.set(gvkKey(group, version, kind), declaration);
    const names = [resource, declaration.singular, ...declaration.shortNames, kind.toLowerCase()];
    for (const name of new Set(names)) {
      const list = this.#byName.get(name) ?? [];
      list.push(declaration);
      this.#byName.set(name, list);
    }
  }

  all(): readonly KindDeclaration[] {
    return this.#declarations;
  }

  byResource(group: string, version: string, resource: string): KindDeclaration | undefined {
    return this.#byResource.get(gvrKey(group, version, resource));
  }

  byKind(group: string, version: string, kind: string): KindDeclaration | undefined {
    return this.#byKind.get(gvkKey(group, version, kind));
  }

  /** By apiVersion (`v1`, `apps/v1`) and kind, as found in a request body. */
  byApiVersionKind(apiVersion: string, kind: string): KindDeclaration | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    return this.byKind(group, version, kind);
  }

  /**
   * By any name kubectl accepts: plural, singular, short name or kind, optionally qualified
   * with a group (`deploy`, `deployments.apps`). Returns every match; the caller decides
   * what an ambiguous name means.
   */
  byName(name: string): readonly KindDeclaration[] {
    const lower = name.toLowerCase();
    const direct = this.#byName.get(lower);
    if (direct !== undefined) return direct;
    const dot = lower.indexOf('.');
    if (dot < 0) return [];
    const group = lower.slice(dot + 1);
    return (this.#byName.get(lower.slice(0, dot)) ?? []).filter((d) => d.group === group);
  }

  /** Served group-versions, core first, then groups in declaration order. */
  groupVersions(): readonly GroupVersion[] {
    const seen = new Map<string, GroupVersion>();
    for (const declaration of this.#declarations) {
      const groupVersion = apiVersionOf(declaration);
      if (!seen.has(groupVersion)) seen.set(groupVersion, { group: declaration.group, version: declaration.version, groupVersion });
    }
    return [...seen.values()].sort((a, b) => (a.group === '' ? -1 : b.group === '' ? 1 : 0));
  }

  /** The declarations served under one group-version, for its APIResourceList. */
  resourcesOf(group: string, version: string): readonly KindDeclaration[] {
    return this.#declarations.filter((d) => d.group === group && d.version === version);
  }
}
