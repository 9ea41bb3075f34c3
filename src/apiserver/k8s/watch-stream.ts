import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf, type KindDeclaration } from '../../api/kind.js';
import type { KubeObject } from '../../api/object.js';
import type { WatchHandle } from '../../peer/kv-store.js';
import { isStoreError, type Event } from '../../store/index.js';
import { internalError, tooManyRequests, tooOldResourceVersion, type ApiError } from './api-errors.js';
import type { ListQuery } from './list-query.js';
import { decodeObject } from './object-codec.js';
import type { ResourceStore } from './resource-store.js';
import { bytes, prefixEnd, resourcePrefix } from './storage-keys.js';
import { toTable, type IncludeObject } from './table-output.js';
import type { OutputFormat } from './http-io.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchOptions {
  readonly store: ResourceStore;
  readonly declaration: KindDeclaration;
  readonly namespace: string;
  readonly query: ListQuery;
  readonly format: OutputFormat;
  readonly include: IncludeObject;
  readonly nowMs: () => number;
  /** How often a watcher with allowWatchBookmarks gets a BOOKMARK (kube-apiserver: about a minute). */
  readonly bookmarkEveryMs?: number;
  /** Used when the client gives no timeoutSeconds (kube-apiserver's --min-request-timeout). */
  readonly defaultTimeoutSeconds?: number;
}

const BOOKMARK_EVERY_MS_DEFAULT = 10_000;
const DEFAULT_TIMEOUT_SECONDS = 1800;
const TIMER_MS_MAX = 2 ** 31 - 1;
const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/**
 * One Kubernetes watch: newline-delimited JSON events streamed from this peer's own copy of
 * the store (KvStore.watch). resourceVersion unset or "0": ADDED for every current object,
 * then changes; N: every change after N; compacted N: an ERROR event with 410 Expired.
 */
export async function serveWatch(req: IncomingMessage, res: ServerResponse, o: WatchOptions): Promise<void> {
  const d = o.declaration;
  const prefix = resourcePrefix(d, o.namespace);
  const q = o.query;
  const encode = (type: WatchEventType, object: unknown): string => `${JSON.stringify({ type, object })}\n`;
  const render = (obj: KubeObject): unknown =>
    o.format === 'table' ? toTable(d, [obj], { resourceVersion: obj.metadata.resourceVersion }, { include: o.include, nowMs: o.nowMs() }) : obj;
  const bookmark = (revision: number, annotations?: Record<string, string>): unknown => ({
    kind: d.kind,
    apiVersion: apiVersionOf(d),
    metadata: { resourceVersion: String(revision), ...(annotations === undefined ? {} : { annotations }) },
  });

  const initial = q.resourceVersion === '' || q.resourceVersion === '0' || q.sendInitialEvents;
  let startRevision: number;
  const lines: string[] = [];
  if (initial) {
    const page = await o.store.list(d, {
      namespace: o.namespace,
      limit: 0,
      serializable: q.resourceVersion === '0',
      ...(q.filter === undefined ? {} : { filter: q.filter }),
    });
    for (const item of page.items) lines.push(encode('ADDED', render(item.object)));
    if (q.sendInitialEvents && q.allowWatchBookmarks) {
      lines.push(encode('BOOKMARK', bookmark(page.revision, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' })));
    }
    startRevision = page.revision + 1;
  } else {
    startRevision = Number(q.resourceVersion) + 1;
  }

  let handle: WatchHandle | undefined;
  let finished = false;
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    if (finished) return;
    finished = true;
    for (const t of timers) clearTimeout(t);
    handle?.cancel();
    if (!res.writableEnded) res.end();
  };

  const translate = (event: Event): string | undefined => {
    if (event.type === 'DELETE') {
      if (event.prevKv === undefined) return undefined;
      const old = decodeObject(event.prevKv, event.kv.modRevision);
      return q.filter === undefined || q.filter(old) ? encode('DELETED', render(old)) : undefined;
    }
    const current = decodeObject(event.kv);
    const matches = q.filter === undefined || q.filter(current);
    const previous = event.prevKv === undefined ? undefined : decodeObject(event.prevKv, event.kv.modRevision);
    const matched = previous !== undefined && (q.filter === undefined || q.filter(previous));
    if (matches) return encode(matched ? 'MODIFIED' : 'ADDED', render(current));
    // It stops matching the selector: to this watcher it is gone (as the watch cache reports it).
    return matched ? encode('DELETED', render(current)) : undefined;
  };

  try {
    handle = o.store.kv.watch(
      { key: bytes(prefix), rangeEnd: prefixEnd(prefix), startRevision, prevKv: true },
      (response) => {
        if (finished) return false;
        if (response.canceled) {
          const error = response.compactRevision > 0 ? tooOldResourceVersion(startRevision - 1, response.compactRevision) : undefined;
          if (error !== undefined) res.write(encode('ERROR', error.toStatus()));
          finish();
          return false;
        }
        if (response.events.length === 0) {
          if (q.allowWatchBookmarks) return res.write(encode('BOOKMARK', bookmark(response.header.revision)));
          return true;
        }
        let text = '';
        try {
          for (const event of response.events) text += translate(event) ?? '';
        } catch (error) {
          // A stored value this server cannot decode (written through the etcd gateway, say):
          // kube-apiserver's watcher ends the watch with an ERROR event, and so does this one.
          const why = error instanceof Error ? error.message : String(error);
          res.write(text + encode('ERROR', internalError(`unable to decode an event from the watch stream: ${why}`).toStatus()));
          finish();
          return false;
        }
        return text === '' ? true : res.write(text);
      },
    );
  } catch (error) {
    if (isStoreError(error, 'STORE_COMPACTED')) {
      const compact = Number((error.details as { compactRevision?: number }).compactRevision ?? 0);
      startWatchResponse(res);
      res.end(encode('ERROR', tooOldResourceVersion(startRevision - 1, compact).toStatus()));
      return;
    }
    if (isStoreError(error, 'STORE_TOO_MANY_WATCHERS')) throw tooManyRequests(1) satisfies ApiError;
    throw error;
  }

  startWatchResponse(res);
  if (lines.length > 0) res.write(lines.join(''));
  const h = handle;
  res.on('drain', () => {
    if (!finished) h.start();
  });
  req.on('close', finish);
  res.on('close', finish);
  // As kube-apiserver: timeoutSeconds 0 (or none) means the server's default. A timer past
  // setTimeout's range would fire at once, and an informer would re-watch in a hot loop.
  const seconds = q.timeoutSeconds !== undefined && q.timeoutSeconds > 0 ? q.timeoutSeconds : (o.defaultTimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  timers.push(setTimeout(finish, Math.min(seconds * 1000, TIMER_MS_MAX)));
  if (q.allowWatchBookmarks) {
    const every = o.bookmarkEveryMs ?? BOOKMARK_EVERY_MS_DEFAULT;
    const tick = (): void => {
      if (finished) return;
      h.requestProgress();
      timers.push(setTimeout(tick, every));
    };
    timers.push(setTimeout(tick, every));
  }
  h.start();
}

function startWatchResponse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
}
