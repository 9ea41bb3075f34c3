import type { WithHeader } from '../../peer/kv-store.js';
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from '../../store/index.js';
import type { JsonFields } from './json-fields.js';
import { bytesOut, definedOnly, headerOut, idOut, int64Out, listOut, withoutUndefined, type JsonObject } from './json-out.js';

/** etcd's Lease messages name their fields `ID` and `TTL` (proto names, printed as such). */
export function decodeLeaseGrantRequest(fields: JsonFields): LeaseGrantRequest {
  return withoutUndefined<LeaseGrantRequest>({ ttl: fields.int('TTL') ?? 0, id: fields.id('ID') });
}

export function decodeLeaseId(fields: JsonFields): { id: string } {
  return { id: fields.id('ID') ?? '0' };
}

export function decodeLeaseTimeToLiveRequest(fields: JsonFields): LeaseTimeToLiveRequest {
  return withoutUndefined<LeaseTimeToLiveRequest>({ id: fields.id('ID') ?? '0', keys: fields.bool('keys') });
}

export function leaseGrantResponseOut(response: WithHeader<LeaseGrantResponse>): JsonObject {
  return definedOnly({ header: headerOut(response.header), ID: idOut(response.id), TTL: int64Out(response.ttl) });
}

export function leaseKeepAliveResponseOut(response: WithHeader<LeaseKeepAliveResponse>): JsonObject {
  return definedOnly({ header: headerOut(response.header), ID: idOut(response.id), TTL: int64Out(response.ttl) });
}

export function leaseTimeToLiveResponseOut(response: WithHeader<LeaseTimeToLiveResponse>): JsonObject {
  return definedOnly({
    header: headerOut(response.header),
    ID: idOut(response.id),
    TTL: int64Out(response.ttl),
    grantedTTL: int64Out(response.grantedTtl),
    keys: listOut(response.keys, (key) => bytesOut(key) ?? ''),
  });
}

export function leaseLeasesResponseOut(response: WithHeader<LeaseLeasesResponse>): JsonObject {
  return definedOnly({
    header: headerOut(response.header),
    leases: listOut(response.leases, (lease) => definedOnly({ ID: idOut(lease.id) })),
  });
}
