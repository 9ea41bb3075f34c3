import { PeerError } from '../../peer/errors.js';
import type { KvStore } from '../../peer/kv-store.js';
import { isStoreError } from '../../store/index.js';
import {
  decodeMemberAddRequest,
  decodeMemberId,
  decodeMoveLeaderRequest,
  membersResponseOut,
  statusResponseOut,
} from './cluster-codec.js';
import type { JsonFields } from './json-fields.js';
import { definedOnly, headerOut, type JsonObject } from './json-out.js';
import {
  decodeCompactionRequest,
  decodeDeleteRangeRequest,
  decodePutRequest,
  decodeRangeRequest,
  deleteRangeResponseOut,
  putResponseOut,
  rangeResponseOut,
} from './kv-codec.js';
import {
  decodeLeaseGrantRequest,
  decodeLeaseId,
  decodeLeaseTimeToLiveRequest,
  leaseGrantResponseOut,
  leaseKeepAliveResponseOut,
  leaseLeasesResponseOut,
  leaseTimeToLiveResponseOut,
} from './lease-codec.js';
import { decodeTxnRequest, txnResponseOut } from './txn-codec.js';

/** One unary method of etcd's gateway: request fields in, response object out. */
export type UnaryMethod = (store: KvStore, fields: JsonFields) => Promise<JsonObject>;

const headerOnly = (response: { header: Parameters<typeof headerOut>[0] }): JsonObject =>
  definedOnly({ header: headerOut(response.header) });

const range: UnaryMethod = async (store, fields) => {
  const { request, serializable } = decodeRangeRequest(fields);
  return rangeResponseOut(await store.range(request, { serializable }));
};

const leaseRevoke: UnaryMethod = async (store, fields) => headerOnly(await store.leaseRevoke(decodeLeaseId(fields)));
const leaseTimeToLive: UnaryMethod = async (store, fields) =>
  leaseTimeToLiveResponseOut(await store.leaseTimeToLive(decodeLeaseTimeToLiveRequest(fields)));
const leaseLeases: UnaryMethod = async (store) => leaseLeasesResponseOut(await store.leaseLeases());

/** etcd's MoveLeader calls any target that is not a voting member a bad transferee, unknown ids included. */
const moveLeader: UnaryMethod = async (store, fields) => {
  try {
    return headerOnly(await store.moveLeader(decodeMoveLeaderRequest(fields)));
  } catch (error) {
    if (error instanceof PeerError && error.message === 'etcdserver: member not found') {
      throw new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: bad leader transferee');
    }
    throw error;
  }
};

/**
 * The unary paths etcd 3.4/3.5 register on the gateway (POST only). Lease paths exist
 * twice because etcd 3.4 added /v3/lease/* and kept the older /v3/kv/lease/* spellings.
 */
export const UNARY_ROUTES: ReadonlyMap<string, UnaryMethod> = new Map<string, UnaryMethod>([
  ['/v3/kv/range', range],
  ['/v3/kv/put', async (store, fields) => putResponseOut(await store.put(decodePutRequest(fields)))],
  ['/v3/kv/deleterange', async (store, fields) => deleteRangeResponseOut(await store.deleteRange(decodeDeleteRangeRequest(fields)))],
  ['/v3/kv/txn', async (store, fields) => txnResponseOut(await store.txn(decodeTxnRequest(fields)))],
  ['/v3/kv/compaction', async (store, fields) => headerOnly(await store.compact(decodeCompactionRequest(fields)))],
  ['/v3/lease/grant', async (store, fields) => leaseGrantResponseOut(await store.leaseGrant(decodeLeaseGrantRequest(fields)))],
  ['/v3/lease/revoke', leaseRevoke],
  ['/v3/kv/lease/revoke', leaseRevoke],
  ['/v3/lease/timetolive', leaseTimeToLive],
  ['/v3/kv/lease/timetolive', leaseTimeToLive],
  ['/v3/lease/leases', leaseLeases],
  ['/v3/kv/lease/leases', leaseLeases],
  ['/v3/maintenance/status', async (store) => statusResponseOut(store.status())],
  ['/v3/maintenance/transfer-leadership', moveLeader],
  [
    '/v3/cluster/member/list',
    async (store, fields) => membersResponseOut(await store.memberList({ serializable: fields.bool('linearizable') !== true })),
  ],
  ['/v3/cluster/member/add', async (store, fields) => membersResponseOut(await store.memberAdd(decodeMemberAddRequest(fields)))],
  ['/v3/cluster/member/remove', async (store, fields) => membersResponseOut(await store.memberRemove(decodeMemberId(fields)))],
  ['/v3/cluster/member/promote', async (store, fields) => membersResponseOut(await store.memberPromote(decodeMemberId(fields)))],
]);

/**
 * One LeaseKeepAlive exchange. etcd answers a keep-alive for a lease it does not have
 * with TTL 0 rather than an error, so that clients see the lease is gone.
 */
export async function keepAliveOnce(store: KvStore, fields: JsonFields): Promise<JsonObject> {
  const request = decodeLeaseId(fields);
  try {
    return leaseKeepAliveResponseOut(await store.leaseKeepAlive(request));
  } catch (error) {
    if (!isStoreError(error, 'STORE_LEASE_NOT_FOUND')) throw error;
    return leaseKeepAliveResponseOut({ header: store.status().header, id: request.id, ttl: 0 });
  }
}
