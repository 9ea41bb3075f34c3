import type { KindDeclaration } from '../../api/kind.js';
import type { KubeObject } from '../../api/object.js';
import type { KvStore } from '../../peer/kv-store.js';
import type { Compare, KeyValue, RangeResponse, RequestOp } from '../../store/index.js';
import { alreadyExists, conflict, notFound } from './api-errors.js';
import { decodeObject, encodeObject } from './object-codec.js';
import { bytes, namespaceKey, objectKey, prefixEnd, resourcePrefix } from './storage-keys.js';
import { RaftplaneError } from '../../util/errors.js';

export interface StoredObject {
  readonly object: KubeObject;
  readonly modRevision: number;
}

/** Extra compares and writes that must commit in the same txn as the object (allocations). */
export interface WriteExtras {
  readonly compares?: readonly Compare[];
  readonly puts?: readonly { readonly key: string; readonly value: Uint8Array }[];
  readonly deletes?: readonly string[];
}

/** An extra compare failed: the caller chooses again (e.g. another ClusterIP) and retries. */
export class ExtrasConflictError extends RaftplaneError<'API_EXTRAS_CONFLICT'> {
  constructor() {
    super('API_EXTRAS_CONFLICT', 'a compare of the same transaction failed');
  }
}

export interface ListPage {
  readonly items: StoredObject[];
  /** The revision the whole list (every page) is read at. */
  readonly revision: number;
  /** Key to continue from, when more keys may match. */
  readonly nextKey?: string;
  /** Keys left after this page (only meaningful without a filter). */
  readonly remainingKeys: number;
}

export interface ListOptions {
  readonly namespace: string;
  readonly limit: number;
  readonly startKey?: string;
  readonly revision?: number;
  readonly serializable?: boolean;
  readonly filter?: (obj: KubeObject) => boolean;
}

const PAGE_SCANS_MAX = 64;
const textDecoder = new TextDecoder();

function putOps(extras: WriteExtras | undefined): RequestOp[] {
  const ops: RequestOp[] = [];
  for (const p of extras?.puts ?? []) ops.push({ requestPut: { key: bytes(p.key), value: p.value } });
  for (const key of extras?.deletes ?? []) ops.push({ requestDeleteRange: { key: bytes(key) } });
  return ops;
}

function firstRange(responses: readonly unknown[], index: number): RangeResponse | undefined {
  const op = responses[index] as { responseRange?: RangeResponse } | undefined;
  return op?.responseRange;
}

/**
 * Objects of every kind over the KvStore: JSON values under storage keys, resourceVersion
 * = mod revision, every write a txn whose compares carry the optimistic-concurrency rules.
 */
export class ResourceStore {
  constructor(readonly kv: KvStore) {}

  async get(d: KindDeclaration, namespace: string, name: string, serializable = false): Promise<StoredObject | undefined> {
    const response = await this.kv.range({ key: bytes(objectKey(d, namespace, name)) }, { serializable });
    const kv = response.kvs[0];
    return kv === undefined ? undefined : { object: decodeObject(kv), modRevision: kv.modRevision };
  }

  async mustGet(d: KindDeclaration, namespace: string, name: string): Promise<StoredObject> {
    const found = await this.get(d, namespace, name);
    if (found === undefined) throw notFound(d, name);
    return found;
  }

  async namespaceExists(namespace: string): Promise<boolean> {
    const response = await this.kv.range({ key: bytes(namespaceKey(namespace)), countOnly: true });
    return response.count > 0;
  }

  /** One page of a list; filtered lists scan further until the page is full (bounded). */
  async list(d: KindDeclaration, options: ListOptions): Promise<ListPage> {
    const prefix = resourcePrefix(d, options.namespace);
    const end = prefixEnd(prefix);
    let start = options.startKey ?? prefix;
    let revision = options.revision ?? 0;
    const items: StoredObject[] = [];
    const pageSize = options.limit > 0 ? options.limit : 0;
    for (let scan = 0; scan < PAGE_SCANS_MAX; scan++) {
      const wanted = pageSize === 0 ? 0 : pageSize - items.length;
      const response = await this.kv.range(
        { key: bytes(start), rangeEnd: end, limit: wanted, revision },
        { serializable: options.serializable === true },
      );
      if (revision === 0) revision = response.header.revision;
      let last: KeyValue | undefined;
      for (const kv of response.kvs) {
        last = kv;
        const object = decodeObject(kv);
        if (options.filter === undefined || options.filter(object)) items.push({ object, modRevision: kv.modRevision });
      }
      const more = response.more;
      const after = last === undefined ? undefined : `${textDecoder.decode(last.key)}\u0000`;
      if (!more || after === undefined) return { items, revision, remainingKeys: 0 };
      if (pageSize !== 0 && items.length >= pageSize) {
        return { items, revision, nextKey: after, remainingKeys: response.count - response.kvs.length };
      }
      start = after;
    }
    return { items, revision, nextKey: start, remainingKeys: 0 };
  }

  /** Creates; AlreadyExists if the name is taken, NotFound if the namespace is missing. */
  async create(d: KindDeclaration, obj: KubeObject, extras?: WriteExtras): Promise<StoredObject> {
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const key = objectKey(d, namespace, name);
    const compares: Compare[] = [{ result: 'EQUAL', target: 'CREATE', key: bytes(key), createRevision: 0 }];
    if (d.namespaced) compares.push({ result: 'GREATER', target: 'CREATE', key: bytes(namespaceKey(namespace)), createRevision: 0 });
    compares.push(...(extras?.compares ?? []));
    const response = await this.kv.txn({
      compare: compares,
      success: [{ requestPut: { key: bytes(key), value: encodeObject(obj) } }, ...putOps(extras)],
      failure: [
        { requestRange: { key: bytes(key), countOnly: true } },
        { requestRange: { key: bytes(namespaceKey(namespace)), countOnly: true } },
      ],
    });
    if (!response.succeeded) {
      if ((firstRange(response.responses, 0)?.count ?? 0) > 0) throw alreadyExists(d, name);
      if (d.namespaced && (firstRange(response.responses, 1)?.count ?? 0) === 0) {
        throw notFound({ group: '', resource: 'namespaces' }, namespace);
      }
      throw new ExtrasConflictError();
    }
    const revision = response.header.revision;
    return { object: withVersion(obj, revision), modRevision: revision };
  }

  /** Replaces the object if its mod revision is still `expectedModRevision`; else Conflict. */
  async update(d: KindDeclaration, obj: KubeObject, expectedModRevision: number, extras?: WriteExtras): Promise<StoredObject> {
    const name = obj.metadata.name ?? '';
    const key = objectKey(d, obj.metadata.namespace ?? '', name);
    const response = await this.kv.txn({
      compare: [{ result: 'EQUAL', target: 'MOD', key: bytes(key), modRevision: expectedModRevision }, ...(extras?.compares ?? [])],
      success: [{ requestPut: { key: bytes(key), value: encodeObject(obj) } }, ...putOps(extras)],
      failure: [{ requestRange: { key: bytes(key) } }],
    });
    if (!response.succeeded) {
      const current = firstRange(response.responses, 0)?.kvs[0];
      if (current === undefined) throw notFound(d, name);
      if (current.modRevision === expectedModRevision) throw new ExtrasConflictError();
      throw conflict(d, name);
    }
    const revision = response.header.revision;
    return { object: withVersion(obj, revision), modRevision: revision };
  }

  /** Deletes if the mod revision is still `expectedModRevision`; returns the deleting revision. */
  async remove(d: KindDeclaration, namespace: string, name: string, expectedModRevision: number, extras?: WriteExtras): Promise<number> {
    const key = objectKey(d, namespace, name);
    const response = await this.kv.txn({
      compare: [{ result: 'EQUAL', target: 'MOD', key: bytes(key), modRevision: expectedModRevision }],
      success: [{ requestDeleteRange: { key: bytes(key) } }, ...putOps(extras)],
      failure: [{ requestRange: { key: bytes(key), countOnly: true } }],
    });
    if (!response.succeeded) {
      if ((firstRange(response.responses, 0)?.count ?? 0) === 0) throw notFound(d, name);
      throw conflict(d, name);
    }
    return response.header.revision;
  }
}

export function withVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}
