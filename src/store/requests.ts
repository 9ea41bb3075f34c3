import type { StoreError } from './errors.js';
import type { Event, KeyValue, LeaseId, ResponseHeader } from './types.js';

/**
 * Request and response shapes after etcd's etcdserverpb (rpc.proto), in camelCase.
 * Optional fields default as proto3 fields do (0, false, empty).
 */

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  readonly key: Uint8Array;
  /** Empty: the single key. "\0": every key >= key. Otherwise [key, rangeEnd). */
  readonly rangeEnd?: Uint8Array;
  /** Most keys returned; 0 is no limit. */
  readonly limit?: number;
  /** Read at this revision; 0 is the current one. */
  readonly revision?: number;
  readonly sortOrder?: SortOrder;
  readonly sortTarget?: SortTarget;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface RangeResponse {
  readonly header: ResponseHeader;
  readonly kvs: KeyValue[];
  /** More keys matched than the limit returned. */
  readonly more: boolean;
  /** Keys in the range at the revision, before limit and revision filters (as etcd). */
  readonly count: number;
}

export interface PutRequest {
  readonly key: Uint8Array;
  readonly value?: Uint8Array;
  readonly lease?: LeaseId;
  readonly prevKv?: boolean;
  /** Keep the current value; the key must exist. */
  readonly ignoreValue?: boolean;
  /** Keep the current lease; the key must exist. */
  readonly ignoreLease?: boolean;
}

export interface PutResponse {
  readonly header: ResponseHeader;
  readonly prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  readonly prevKv?: boolean;
}

export interface DeleteRangeResponse {
  readonly header: ResponseHeader;
  readonly deleted: number;
  readonly prevKvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

export interface Compare {
  readonly result: CompareResult;
  readonly target: CompareTarget;
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  /** The operand for the target; absent means proto3's zero value. */
  readonly version?: number;
  readonly createRevision?: number;
  readonly modRevision?: number;
  readonly value?: Uint8Array;
  readonly lease?: LeaseId;
}

export type RequestOp =
  | { readonly requestRange: RangeRequest }
  | { readonly requestPut: PutRequest }
  | { readonly requestDeleteRange: DeleteRangeRequest }
  | { readonly requestTxn: TxnRequest };

export type ResponseOp =
  | { readonly responseRange: RangeResponse }
  | { readonly responsePut: PutResponse }
  | { readonly responseDeleteRange: DeleteRangeResponse }
  | { readonly responseTxn: TxnResponse };

export interface TxnRequest {
  readonly compare?: readonly Compare[];
  readonly success?: readonly RequestOp[];
  readonly failure?: readonly RequestOp[];
}

export interface TxnResponse {
  readonly header: ResponseHeader;
  readonly succeeded: boolean;
  readonly responses: ResponseOp[];
}

export interface CompactionRequest {
  readonly revision: number;
  /** Accepted for shape compatibility; compaction here is always complete on return. */
  readonly physical?: boolean;
}

export interface CompactionResponse {
  readonly header: ResponseHeader;
}

export interface LeaseGrantRequest {
  /** TTL asked for; raised to the minimum TTL if shorter. */
  readonly ttl: number;
  /** "0" lets the store choose the next free id deterministically. */
  readonly id?: LeaseId;
}

export interface LeaseGrantResponse {
  readonly header: ResponseHeader;
  readonly id: LeaseId;
  readonly ttl: number;
}

export interface LeaseRevokeRequest {
  readonly id: LeaseId;
}

export interface LeaseRevokeResponse {
  readonly header: ResponseHeader;
}

export interface LeaseKeepAliveRequest {
  readonly id: LeaseId;
}

export interface LeaseKeepAliveResponse {
  readonly header: ResponseHeader;
  readonly id: LeaseId;
  readonly ttl: number;
}

export interface LeaseTimeToLiveRequest {
  readonly id: LeaseId;
  readonly keys?: boolean;
}

export interface LeaseTimeToLiveResponse {
  readonly header: ResponseHeader;
  readonly id: LeaseId;
  /** Whole seconds left, -1 when the lease does not exist (as etcd). */
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keys: Uint8Array[];
}

export interface LeaseStatus {
  readonly id: LeaseId;
}

export interface LeaseLeasesResponse {
  readonly header: ResponseHeader;
  readonly leases: LeaseStatus[];
}

export type WatchFilter = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  /** First revision to deliver; 0 or absent is the next revision to be written. */
  readonly startRevision?: number;
  readonly filters?: readonly WatchFilter[];
  readonly prevKv?: boolean;
}

export interface WatchResponse {
  readonly header: ResponseHeader;
  readonly watchId: number;
  /** Events of whole revisions in revision order; empty in progress notifications. */
  readonly events: Event[];
  readonly canceled: boolean;
  readonly cancelReason: string;
  /** Set when the watcher was cancelled because its next revision was compacted. */
  readonly compactRevision: number;
  /** Why the hub cancelled the watcher (absent when the caller cancelled it). */
  readonly error?: StoreError;
}
