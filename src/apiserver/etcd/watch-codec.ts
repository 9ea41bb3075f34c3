import type { ClusterHeader } from '../../peer/kv-store.js';
import type { Event, WatchCreateRequest, WatchFilter } from '../../store/index.js';
import { JsonFields } from './json-fields.js';
import { boolOut, definedOnly, headerOut, int64Out, listOut, stringOut, withoutUndefined, type JsonObject } from './json-out.js';
import { keyValueOut } from './kv-codec.js';

const FILTERS: readonly WatchFilter[] = ['NOPUT', 'NODELETE'];
const EMPTY = new Uint8Array(0);

/** One message of the Watch stream's request side (a oneof, as etcd's WatchRequest). */
export type WatchStreamRequest =
  | { readonly kind: 'create'; readonly request: WatchCreateRequest; readonly progressNotify: boolean }
  | { readonly kind: 'cancel'; readonly watchId: number }
  | { readonly kind: 'progress' }
  | { readonly kind: 'empty' };

export function decodeWatchRequest(fields: JsonFields): WatchStreamRequest {
  const create = fields.message('create_request');
  if (create !== undefined) {
    const request = withoutUndefined<WatchCreateRequest>({
      key: create.bytes('key') ?? EMPTY,
      rangeEnd: create.bytes('range_end'),
      startRevision: create.int('start_revision'),
      filters: create.list('filters').map((value) => JsonFields.of({ f: value }).enumOf('f', FILTERS, 'etcdserverpb.WatchCreateRequest_FilterType') ?? 'NOPUT'),
      prevKv: create.bool('prev_kv'),
    });
    return { kind: 'create', request, progressNotify: create.bool('progress_notify') ?? false };
  }
  const cancel = fields.message('cancel_request');
  if (cancel !== undefined) return { kind: 'cancel', watchId: cancel.int('watch_id') ?? 0 };
  if (fields.message('progress_request') !== undefined) return { kind: 'progress' };
  return { kind: 'empty' };
}

/** etcd's WatchResponse; `watchId` is the stream's own id, as each etcd stream numbers from 0. */
export interface WatchResponseOut {
  readonly header: ClusterHeader;
  readonly watchId: number;
  readonly created?: boolean;
  readonly canceled?: boolean;
  readonly compactRevision?: number;
  readonly cancelReason?: string;
  readonly events?: readonly Event[];
  /** etcd leaves the revision out of a compaction cancel's header. */
  readonly headerWithoutRevision?: boolean;
}

export function watchResponseOut(response: WatchResponseOut): JsonObject {
  return definedOnly({
    header: headerOut(response.header, { withRevision: response.headerWithoutRevision !== true }),
    watch_id: int64Out(response.watchId),
    created: boolOut(response.created),
    canceled: boolOut(response.canceled),
    compact_revision: int64Out(response.compactRevision),
    cancel_reason: stringOut(response.cancelReason),
    events: listOut(response.events, eventOut),
  });
}

function eventOut(event: Event): JsonObject {
  return definedOnly({
    // PUT is mvccpb.Event's zero value, so the gateway leaves it out.
    type: event.type === 'PUT' ? undefined : event.type,
    kv: keyValueOut(event.kv),
    prev_kv: event.prevKv === undefined ? undefined : keyValueOut(event.prevKv),
  });
}
