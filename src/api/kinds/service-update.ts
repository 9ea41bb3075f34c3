/**
 * What kube-apiserver does to a Service update before validating it: values the allocators
 * assigned are carried over when the client left them out (patchAllocatedValues, so a
 * `kubectl replace` of a file without clusterIP works), and values the new type no longer
 * uses are dropped when the client left them unchanged (dropTypeDependentFields).
 */
import { jsonEqual } from '../object.js';
import type { Service, ServiceSpec } from './service.js';

const needsClusterIp = (spec: ServiceSpec): boolean => spec.type !== 'ExternalName';
const needsNodePorts = (spec: ServiceSpec): boolean =>
  spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

function patchAllocatedValues(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIp(old) && needsClusterIp(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if ((spec.clusterIPs ?? []).length === 0 && (old.clusterIPs ?? []).length > 0) spec.clusterIPs = [...(old.clusterIPs ?? [])];
    if (spec.ipFamilies === undefined && old.ipFamilies !== undefined) spec.ipFamilies = [...old.ipFamilies];
    if (spec.ipFamilyPolicy === undefined && old.ipFamilyPolicy !== undefined) spec.ipFamilyPolicy = old.ipFamilyPolicy;
  }
  if (needsNodePorts(old) && needsNodePorts(spec)) {
    const used = new Set((spec.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p !== 0));
    const byName = new Map((old.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0] as const));
    for (const port of spec.ports ?? []) {
      const previous = byName.get(port.name ?? '') ?? 0;
      if (!port.nodePort && previous !== 0 && !used.has(previous)) port.nodePort = previous;
    }
  }
}

function dropTypeDependentFields(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIp(old) && !needsClusterIp(spec) && spec.clusterIP === old.clusterIP && jsonEqual(spec.clusterIPs, old.clusterIPs)) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
  }
  if (needsNodePorts(old) && !needsNodePorts(spec)) {
    for (const port of spec.ports ?? []) {
      const before = (old.ports ?? []).find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      if (before !== undefined && before.nodePort === port.nodePort) delete port.nodePort;
    }
  }
}

export function prepareServiceSpecUpdate(service: Service, old: Service): void {
  if (service.spec === undefined || old.spec === undefined) return;
  patchAllocatedValues(service.spec, old.spec);
  dropTypeDependentFields(service.spec, old.spec);
}
