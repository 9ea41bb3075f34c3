/** core/v1 Endpoints: written by the endpoints controller from a Service's ready pods. */
import { isIP } from 'node:net';
import { child, type FieldError, index, invalid, notSupported, required } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { definition } from '../schema/definitions.js';
import { isValidPortNum, nameIsDnsSubdomain } from '../validation/names.js';
import { ageColumn, column, nameColumn } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { plainPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';
import type { ObjectReference } from './event.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: { name?: string; port: number; protocol?: string }[];
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

/** formatEndpoints: the first three `ip:port` pairs, then ` + N more...`. */
export function formatEndpoints(endpoints: Endpoints): string {
  const subsets = endpoints.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const shownMax = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  const hostPort = (ip: string | undefined, port: number | undefined): string => ((ip ?? '').includes(':') ? `[${ip}]:${port ?? 0}` : `${ip ?? ''}:${port ?? 0}`);
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    const pairs = ports.length === 0 ? addresses.map((a) => a.ip ?? '') : ports.flatMap((p) => addresses.map((a) => hostPort(a.ip, p.port)));
    count += pairs.length;
    for (const pair of pairs) {
      if (list.length === shownMax) {
        more = true;
        break;
      }
      list.push(pair);
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - shownMax} more...` : text;
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateSubsets(endpoints: Endpoints): FieldError[] {
  const errors: FieldError[] = [];
  (endpoints.subsets ?? []).forEach((subset, i) => {
    const at = index('subsets', i);
    for (const field of ['addresses', 'notReadyAddresses'] as const) {
      (subset[field] ?? []).forEach((address, j) => {
        const ipPath = child(index(child(at, field), j), 'ip');
        if (!address.ip) errors.push(required(ipPath));
        else if (isIP(address.ip) === 0) errors.push(invalid(ipPath, address.ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
      });
    }
    (subset.ports ?? []).forEach((port, j) => {
      const portPath = index(child(at, 'ports'), j);
      for (const message of isValidPortNum(port.port)) errors.push(invalid(child(portPath, 'port'), port.port, message));
      if (port.protocol && !PROTOCOLS.includes(port.protocol)) errors.push(notSupported(child(portPath, 'protocol'), port.protocol, PROTOCOLS));
    });
  });
  return errors;
}

export const endpointsKind = defineKind<Endpoints>({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  resource: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  defaults(endpoints) {
    for (const subset of endpoints.subsets ?? []) for (const port of subset.ports ?? []) port.protocol ??= 'TCP';
  },
  validate(endpoints, old) {
    return [...metaErrors(endpoints, old, true, nameIsDnsSubdomain), ...validateSubsets(endpoints)];
  },
  ...plainPrepareRules<Endpoints>(),
  printerColumns: [
    nameColumn(),
    column({ name: 'Endpoints', description: 'Endpoints of the Service', cell: formatEndpoints }),
    ageColumn(),
  ],
  selectableFields: metadataFields<Endpoints>(),
  schema: definition('io.k8s.api.core.v1.Endpoints'),
  definitionName: 'io.k8s.api.core.v1.Endpoints',
});
