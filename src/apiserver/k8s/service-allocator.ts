import { randomInt } from 'node:crypto';
import { toStatusCauses, invalid as fieldInvalid, type FieldError, invalidMessage } from '../../api/field-errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import type { Compare } from '../../store/index.js';
import { invalid } from './api-errors.js';
import type { WriteExtras } from './resource-store.js';
import { bytes } from './storage-keys.js';

/**
 * ClusterIP and NodePort allocation. Each allocated address or port is a key
 * (`/registry/ranges/serviceips/<ip>`, `/registry/ranges/servicenodeports/<port>`) written in
 * the same txn as the Service, guarded by a "does not exist" compare: two peers can never
 * hand out the same one, and a failed create allocates nothing.
 */
export const SERVICE_IP_PREFIX = '/registry/ranges/serviceips/';
export const NODE_PORT_PREFIX = '/registry/ranges/servicenodeports/';

export interface ServiceRanges {
  /** e.g. 10.96.0.0/12 */
  readonly serviceCidr: string;
  readonly nodePortMin: number;
  readonly nodePortMax: number;
}

export const DEFAULT_SERVICE_RANGES: ServiceRanges = { serviceCidr: '10.96.0.0/12', nodePortMin: 30000, nodePortMax: 32767 };

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const numberToIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

export interface Allocation {
  readonly extras: WriteExtras;
  /** Keys this service holds, to release on delete. */
  readonly keys: string[];
}

type PortSpec = Record<string, unknown>;

function absentCompare(key: string): Compare {
  return { result: 'EQUAL', target: 'CREATE', key: bytes(key), createRevision: 0 };
}

export class ServiceAllocator {
  private readonly base: number;
  private readonly size: number;

  constructor(readonly ranges: ServiceRanges = DEFAULT_SERVICE_RANGES) {
    const [ip = '', bitsText = ''] = ranges.serviceCidr.split('/');
    const base = ipToNumber(ip);
    const bits = Number(bitsText);
    if (base === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`invalid service CIDR ${ranges.serviceCidr}`);
    this.size = 2 ** (32 - bits);
    this.base = base - (base % this.size);
  }

  /** The first address of the range, which the default `kubernetes` Service takes (10.96.0.1). */
  get firstIp(): string {
    return numberToIp(this.base + 1);
  }

  /** Keys a stored Service holds (for release on delete). */
  heldKeys(service: KubeObject): string[] {
    const spec = isPlainObject(service['spec']) ? service['spec'] : {};
    const keys: string[] = [];
    const ip = spec['clusterIP'];
    if (typeof ip === 'string' && ipToNumber(ip) !== undefined) keys.push(SERVICE_IP_PREFIX + ip);
    for (const port of Array.isArray(spec['ports']) ? (spec['ports'] as PortSpec[]) : []) {
      if (typeof port['nodePort'] === 'number' && port['nodePort'] > 0) keys.push(NODE_PORT_PREFIX + String(port['nodePort']));
    }
    return keys;
  }

  /**
   * Fills spec.clusterIP(s) and nodePorts the service needs and lacks, keeping those of `old`,
   * and returns the txn additions. Called again on every retry, so random picks change.
   */
  allocate(service: KubeObject, old: KubeObject | undefined): Allocation {
    const spec = isPlainObject(service['spec']) ? service['spec'] : {};
    service['spec'] = spec;
    const oldSpec = old !== undefined && isPlainObject(old['spec']) ? old['spec'] : {};
    const type = typeof spec['type'] === 'string' ? spec['type'] : 'ClusterIP';
    const name = `${service.metadata.namespace ?? ''}/${service.metadata.name ?? ''}`;
    const compares: Compare[] = [];
    const puts: { key: string; value: Uint8Array }[] = [];
    const held = new Set(old === undefined ? [] : this.heldKeys(old));
    const errors: FieldError[] = [];
    const claim = (key: string): void => {
      if (held.has(key)) return;
      compares.push(absentCompare(key));
      puts.push({ key, value: bytes(name) });
    };
    if (type !== 'ExternalName') {
      if ((spec['clusterIP'] === undefined || spec['clusterIP'] === '') && typeof oldSpec['clusterIP'] === 'string') spec['clusterIP'] = oldSpec['clusterIP'];
      const given = spec['clusterIP'];
      if (given === undefined || given === '') {
        // The first address is the default `kubernetes` Service's, as in kube-apiserver.
        spec['clusterIP'] = numberToIp(this.base + 2 + randomInt(this.size - 3));
      } else if (given !== 'None' && typeof given === 'string') {
        const n = ipToNumber(given);
        if (n === undefined || n < this.base || n >= this.base + this.size) {
          errors.push(fieldInvalid('spec.clusterIPs', [given], `failed to allocate IP ${given}: the provided IP (${given}) is not in the valid range. The range of valid IPs is ${this.ranges.serviceCidr}`));
        }
      }
      if (typeof spec['clusterIP'] === 'string') {
        spec['clusterIPs'] = [spec['clusterIP']];
        if (spec['clusterIP'] !== 'None') claim(SERVICE_IP_PREFIX + spec['clusterIP']);
      }
    }
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const oldPorts = Array.isArray(oldSpec['ports']) ? (oldSpec['ports'] as PortSpec[]) : [];
      const ports = Array.isArray(spec['ports']) ? (spec['ports'] as PortSpec[]) : [];
      const taken = new Set<number>();
      ports.forEach((port, i) => {
        if (!isPlainObject(port)) return;
        let nodePort = port['nodePort'];
        if (nodePort === undefined || nodePort === 0) {
          nodePort = oldPorts.find((p) => p['port'] === port['port'] && (p['protocol'] ?? 'TCP') === (port['protocol'] ?? 'TCP'))?.['nodePort'];
        }
        if (nodePort === undefined || nodePort === 0) {
          const span = this.ranges.nodePortMax - this.ranges.nodePortMin + 1;
          do nodePort = this.ranges.nodePortMin + randomInt(span);
          while (taken.has(nodePort as number) && taken.size < span);
        } else if (typeof nodePort !== 'number' || nodePort < this.ranges.nodePortMin || nodePort > this.ranges.nodePortMax) {
          errors.push(fieldInvalid(`spec.ports[${i}].nodePort`, nodePort, `provided port is not in the valid range. The range of valid ports is ${this.ranges.nodePortMin}-${this.ranges.nodePortMax}`));
          return;
        }
        port['nodePort'] = nodePort;
        taken.add(nodePort as number);
        claim(NODE_PORT_PREFIX + String(nodePort));
      });
    }
    if (errors.length > 0) throw invalid(invalidMessage('Service', service.metadata.name ?? '', errors), { group: '', kind: 'Service', name: service.metadata.name ?? '' }, toStatusCauses(errors));
    const keys = [...compares.map((c) => new TextDecoder().decode(c.key)), ...[...held].filter((k) => this.stillHeld(k, service))];
    const released = [...held].filter((k) => !this.stillHeld(k, service));
    return { extras: { compares, puts, deletes: released }, keys };
  }

  private stillHeld(key: string, service: KubeObject): boolean {
    return this.heldKeys(service).includes(key);
  }

  /** Why a create failed on an allocation: a given IP or port is taken (no retry helps). */
  takenError(service: KubeObject): ReturnType<typeof invalid> {
    const name = service.metadata.name ?? '';
    const errors = [fieldInvalid('spec.clusterIPs', service['spec'] !== undefined ? (service['spec'] as Record<string, unknown>)['clusterIPs'] : [], 'failed to allocate IP: provided IP is already allocated, or provided port is already allocated')];
    return invalid(invalidMessage('Service', name, errors), { group: '', kind: 'Service', name }, toStatusCauses(errors));
  }
}
