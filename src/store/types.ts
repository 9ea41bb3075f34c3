/**
 * The data model, after etcd's mvccpb. Revisions are JavaScript numbers (exact up to 2^53,
 * far beyond any reachable revision); lease ids are int64 held as canonical decimal
 * strings, as etcd's JSON gateway writes int64, with "0" meaning no lease.
 *
 * Byte arrays handed out by the store are shared with its state: treat them as read-only.
 */
export type LeaseId = string;

export const NO_LEASE: LeaseId = '0';

export interface KeyValue {
  readonly key: Uint8Array;
  /** Revision of the last creation of this key (0 in a tombstone). */
  readonly createRevision: number;
  /** Revision of the last change of this key. */
  readonly modRevision: number;
  /** Puts since the last creation, starting at 1; reset by delete (0 in a tombstone). */
  readonly version: number;
  readonly value: Uint8Array;
  readonly lease: LeaseId;
}

export type EventType = 'PUT' | 'DELETE';

export interface Event {
  readonly type: EventType;
  /** For DELETE, a tombstone: the key and the deleting revision only, as in etcd. */
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export interface ResponseHeader {
  /** The store's revision when the response was made (the new one after a write). */
  readonly revision: number;
}

/** A main revision and the position of the change inside it: one txn, one main revision. */
export interface Revision {
  readonly main: number;
  readonly sub: number;
}

export function compareRevisions(a: Revision, b: Revision): number {
  return a.main !== b.main ? a.main - b.main : a.sub - b.sub;
}
