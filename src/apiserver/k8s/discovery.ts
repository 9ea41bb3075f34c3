import type { KindDeclaration, SubresourceDeclaration } from '../../api/kind.js';
import type { KindRegistry } from '../../api/registry.js';

/**
 * Discovery documents: legacy (/api, /apis, /apis/<g>, APIResourceList) and aggregated
 * (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, which kubectl 1.32 asks for first).
 */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes('as=apigroupdiscoverylist') && (accept ?? '').includes('v=v2');
}

export function apiVersions(): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
}

function groupsOf(registry: KindRegistry): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const gv of registry.groupVersions()) {
    if (gv.group === '') continue;
    const versions = groups.get(gv.group) ?? [];
    versions.push(gv.version);
    groups.set(gv.group, versions);
  }
  return groups;
}

function apiGroup(group: string, versions: readonly string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(registry: KindRegistry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groupsOf(registry)].map(([g, v]) => apiGroup(g, v)) };
}

export function apiGroupOf(registry: KindRegistry, group: string): Record<string, unknown> | undefined {
  const versions = groupsOf(registry).get(group);
  return versions === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

function subresourceEntries(d: KindDeclaration, s: SubresourceDeclaration): Record<string, unknown> {
  return {
    name: `${d.resource}/${s.name}`,
    singularName: '',
    namespaced: d.namespaced,
    ...(s.group === d.group && s.version === d.version ? {} : { group: s.group, version: s.version }),
    kind: s.kind,
    verbs: [...s.verbs],
  };
}

export function apiResourceList(registry: KindRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const kinds = registry.resourcesOf(group, version);
  if (kinds.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of kinds) {
    resources.push({
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: [...d.verbs],
      ...(d.shortNames.length > 0 ? { shortNames: [...d.shortNames] } : {}),
      ...(d.categories.length > 0 ? { categories: [...d.categories] } : {}),
    });
    for (const s of d.subresources) resources.push(subresourceEntries(d, s));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}

function discoveryResource(d: KindDeclaration): Record<string, unknown> {
  return {
    resource: d.resource,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: [...d.verbs],
    ...(d.shortNames.length > 0 ? { shortNames: [...d.shortNames] } : {}),
    ...(d.categories.length > 0 ? { categories: [...d.categories] } : {}),
    ...(d.subresources.length > 0
      ? {
          subresources: d.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group, version: s.version, kind: s.kind },
            verbs: [...s.verbs],
          })),
        }
      : {}),
  };
}

/** apidiscovery.k8s.io/v2: `/api` lists the core group, `/apis` every other group. */
export function aggregatedDiscovery(registry: KindRegistry, legacy: boolean): Record<string, unknown> {
  const byGroup = new Map<string, Map<string, KindDeclaration[]>>();
  for (const d of registry.all()) {
    if ((d.group === '') !== legacy) continue;
    const versions = byGroup.get(d.group) ?? new Map<string, KindDeclaration[]>();
    versions.set(d.version, [...(versions.get(d.version) ?? []), d]);
    byGroup.set(d.group, versions);
  }
  const items = [...byGroup].map(([group, versions]) => ({
    metadata: { name: group, creationTimestamp: null },
    versions: [...versions].map(([version, kinds]) => ({ version, resources: kinds.map(discoveryResource), freshness: 'Current' })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

export function versionInfo(): Record<string, unknown> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-raftplane',
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch}`,
  };
}

