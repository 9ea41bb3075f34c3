import type { StoreError } from './errors.js';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from './requests.js';
import type { ResponseHeader } from './types.js';

/**
 * What a Raft entry carries to the store: plain, serialisable data. Everything that would
 * differ between peers (the time, a chosen lease id) is decided by the proposer and is part
 * of the op, so applying the same ops in the same order gives the same state everywhere.
 */
export type StoreOp =
  | { readonly type: 'range'; readonly request: RangeRequest }
  | { readonly type: 'put'; readonly request: PutRequest }
  | { readonly type: 'deleteRange'; readonly request: DeleteRangeRequest }
  | { readonly type: 'txn'; readonly request: TxnRequest }
  | { readonly type: 'compact'; readonly request: CompactionRequest }
  | { readonly type: 'leaseGrant'; readonly request: LeaseGrantRequest; readonly nowMs: number }
  | { readonly type: 'leaseRevoke'; readonly request: LeaseRevokeRequest }
  | { readonly type: 'leaseKeepAlive'; readonly request: LeaseKeepAliveRequest; readonly nowMs: number }
  /** Proposed by a new leader before it expires anything: every lease gets a full TTL again. */
  | { readonly type: 'leasePromote'; readonly nowMs: number; readonly extendMs: number };

export type StoreOpType = StoreOp['type'];

export interface LeasePromoteResponse {
  readonly header: ResponseHeader;
}

export interface StoreResponseMap {
  range: RangeResponse;
  put: PutResponse;
  deleteRange: DeleteRangeResponse;
  txn: TxnResponse;
  compact: CompactionResponse;
  leaseGrant: LeaseGrantResponse;
  leaseRevoke: LeaseRevokeResponse;
  leaseKeepAlive: LeaseKeepAliveResponse;
  leasePromote: LeasePromoteResponse;
}

/**
 * The outcome of applying one op. A failed op changed nothing, on every peer alike; its
 * error goes back to the client that proposed it.
 */
export type ApplyResult<Type extends StoreOpType = StoreOpType> =
  | { readonly ok: true; readonly type: Type; readonly response: StoreResponseMap[Type] }
  | { readonly ok: false; readonly type: Type; readonly error: StoreError; readonly header: ResponseHeader };
