/**
 * core/v1 Service. Defaults and validation as kube-apiserver; the cluster IP and node port
 * allocation itself belongs to the API server, which fills spec.clusterIP(s), ipFamilies,
 * ipFamilyPolicy and ports[].nodePort before validation (see `SERVICE_ALLOCATED_FIELDS`).
 */
import { isIP } from 'node:net';
import { child, duplicate, type FieldError, forbidden, index, invalid, notSupported, required } from '../field-errors.js';
import { defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { formatLabels } from '../selectors/label-selector.js';
import { isDns1123Label, isDns1123Subdomain, isValidPortName, isValidPortNum, nameIsDns1035Label } from '../validation/names.js';
import { validateLabels } from '../validation/object-meta.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { statusValidator } from './shared/status-validation.js';
import { statusPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';
import { prepareServiceSpecUpdate } from './service-update.js';

export interface ServicePort {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  ports?: ServicePort[];
  selector?: Record<string, string>;
  clusterIP?: string;
  clusterIPs?: string[];
  type?: string;
  externalIPs?: string[];
  sessionAffinity?: string;
  externalName?: string;
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  [k: string]: unknown;
}

export interface Service extends KubeObject {
  spec?: ServiceSpec;
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** What the API server's allocators own: it sets them on create and keeps them on update. */
export const SERVICE_ALLOCATED_FIELDS = ['spec.clusterIP', 'spec.clusterIPs', 'spec.ipFamilies', 'spec.ipFamilyPolicy', 'spec.ports[*].nodePort'] as const;

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** Whether a service of this type gets node ports allocated. */
export function serviceNeedsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/** Whether the API server must allocate a cluster IP (not headless, not ExternalName, not set). */
export function serviceNeedsClusterIp(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && (spec.clusterIP === undefined || spec.clusterIP === '');
}

function defaultService(spec: ServiceSpec): void {
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    // targetPort defaults to port (SetDefaults_Service).
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.clusterIP !== undefined && spec.clusterIPs === undefined && spec.clusterIP !== '') spec.clusterIPs = [spec.clusterIP];
}

function validatePort(port: ServicePort, at: string, spec: ServiceSpec, portCount: number): FieldError[] {
  const errors: FieldError[] = [];
  if (portCount > 1 && !port.name) errors.push(required(child(at, 'name')));
  else if (port.name) for (const message of isDns1123Label(port.name)) errors.push(invalid(child(at, 'name'), port.name, message));
  for (const message of isValidPortNum(port.port)) errors.push(invalid(child(at, 'port'), port.port, message));
  if (!port.protocol) errors.push(required(child(at, 'protocol')));
  else if (!PROTOCOLS.includes(port.protocol)) errors.push(notSupported(child(at, 'protocol'), port.protocol, PROTOCOLS));
  const target = port.targetPort;
  if (typeof target === 'number') for (const message of isValidPortNum(target)) errors.push(invalid(child(at, 'targetPort'), target, message));
  else if (typeof target === 'string') for (const message of isValidPortName(target)) errors.push(invalid(child(at, 'targetPort'), target, message));
  if (port.nodePort !== undefined && port.nodePort !== 0) {
    if (spec.type === 'ClusterIP' || spec.type === 'ExternalName') {
      errors.push(forbidden(child(at, 'nodePort'), `may not be used when \`type\` is '${spec.type}'`));
    } else for (const message of isValidPortNum(port.nodePort)) errors.push(invalid(child(at, 'nodePort'), port.nodePort, message));
  }
  return errors;
}

function validateServiceSpec(spec: ServiceSpec | undefined): FieldError[] {
  if (spec === undefined) return [required('spec')];
  const errors: FieldError[] = [];
  const headless = spec.clusterIP === 'None';
  if (!spec.type) errors.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errors.push(notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errors.push(required('spec.externalName'));
    else for (const message of isDns1123Subdomain(spec.externalName)) errors.push(invalid('spec.externalName', spec.externalName, message));
  }
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errors.push(required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = index('spec.ports', i);
    errors.push(...validatePort(port, at, spec, ports.length));
    if (port.name) {
      if (names.has(port.name)) errors.push(duplicate(child(at, 'name'), port.name));
      names.add(port.name);
    }
  });
  if (spec.sessionAffinity && !['ClientIP', 'None'].includes(spec.sessionAffinity)) {
    errors.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  }
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip !== 'None' && ip !== '' && isIP(ip) === 0) {
      errors.push(invalid(index('spec.clusterIPs', i), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    }
  });
  errors.push(...validateLabels(spec.selector, 'spec.selector'));
  return errors;
}

/** ValidateServiceUpdate: a set cluster IP stays (unless the service becomes ExternalName). */
function validateServiceUpdate(spec: ServiceSpec | undefined, old: ServiceSpec | undefined): FieldError[] {
  const oldIps = old?.clusterIPs ?? (old?.clusterIP ? [old.clusterIP] : []);
  const newIps = spec?.clusterIPs ?? (spec?.clusterIP ? [spec.clusterIP] : []);
  if (oldIps.length === 0 || spec?.type === 'ExternalName') return [];
  if (newIps[0] !== oldIps[0]) return [invalid('spec.clusterIPs[0]', newIps, 'may not change once set')];
  // A patch of clusterIP alone leaves the old clusterIPs beside it: the new value must not slip by.
  if (spec?.clusterIP && spec.clusterIP !== 'None' && spec.clusterIP !== oldIps[0]) {
    return [invalid('spec.clusterIPs[0]', [spec.clusterIP, ...newIps.slice(1)], 'may not change once set')];
  }
  return [];
}

function portsText(ports: readonly ServicePort[] | undefined): string {
  const text = (ports ?? [])
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`))
    .join(',');
  return text === '' ? '<none>' : text;
}

/** getServiceExternalIP with wide=true (the server always prints wide rows). */
export function serviceExternalIp(service: Service): string {
  const spec = service.spec ?? {};
  const externalIps = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIps.length > 0 ? externalIps.join(',') : '<none>';
    case 'LoadBalancer': {
      // loadBalancerStatusStringer: a sorted set of IPs (else hostnames).
      const ingress = [...new Set((service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter((s) => s !== ''))].sort();
      const all = [...ingress, ...externalIps];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

const statusRules = statusPrepareRules<Service>({ generation: false });

export const serviceKind = defineKind<Service>({
  group: '',
  version: 'v1',
  kind: 'Service',
  resource: 'services',
  singular: 'service',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [{ name: 'status', group: '', version: 'v1', kind: 'Service', verbs: ['get', 'patch', 'update'] }],
  defaults(service) {
    if (service.spec !== undefined) defaultService(service.spec);
  },
  validate(service, old) {
    const errors = metaErrors(service, old, true, nameIsDns1035Label);
    errors.push(...validateServiceSpec(service.spec));
    if (old !== undefined) errors.push(...validateServiceUpdate(service.spec, old.spec));
    return errors;
  },
  prepareForCreate: statusRules.prepareForCreate,
  prepareForUpdate(service, old) {
    statusRules.prepareForUpdate(service, old);
    prepareServiceSpecUpdate(service, old);
  },
  prepareForStatusUpdate: statusRules.prepareForStatusUpdate,
  validateStatus: statusValidator<Service>([]),
  printerColumns: [
    nameColumn(),
    column({ name: 'Type', description: 'The type of service.', cell: (svc) => svc.spec?.type ?? '' }),
    column({ name: 'Cluster-IP', description: 'The IP address of the service.', cell: (svc) => svc.spec?.clusterIPs?.[0] ?? '<none>' }),
    column({ name: 'External-IP', description: 'The external IP address of the service.', cell: serviceExternalIp }),
    column({ name: 'Port(s)', description: 'The ports of the service.', cell: (svc) => portsText(svc.spec?.ports) }),
    ageColumn(),
    column({
      name: 'Selector',
      priority: 1,
      description: 'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
      cell: (svc) => formatLabels(svc.spec?.selector),
    }),
  ],
  selectableFields: metadataFields<Service>(),
  schema: definition('io.k8s.api.core.v1.Service'),
  definitionName: 'io.k8s.api.core.v1.Service',
});

