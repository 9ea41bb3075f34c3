import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { dualProtocolServer } from './dual-protocol.js';
import type { Registry } from 'prom-client';
import type { KvStore } from '../peer/kv-store.js';
import type { EventTrace } from '../util/event-trace.js';
import type { Logger } from '../util/logger.js';
import { handleEtcdGateway, writeError, type EtcdGatewayOptions } from './etcd/gateway.js';
import type { ApiMetrics } from './metrics.js';
import { BODY_BYTES_MAX_DEFAULT } from './request-body.js';

export interface ApiServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly store: KvStore;
  readonly logger: Logger;
  /** Served on /metrics; `metrics` also counts open watchers. */
  readonly metrics?: ApiMetrics;
  readonly registry?: Registry;
  /** Serves every path this server does not own (the Kubernetes API plugs in here). */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer; readonly ca?: string | Buffer };
  readonly bodyBytesMax?: number;
  /** Unread output a streaming client may leave before it is cut off. */
  readonly streamBufferBytesMax?: number;
  readonly progressNotifyIntervalMs?: number;
  /** Marks each request's arrival and the end of its response (http-in, http-out, with the path). */
  readonly trace?: EventTrace;
}

export interface ApiServer {
  /** e.g. http://127.0.0.1:2379 */
  readonly url: string;
  close(): Promise<void>;
}

const STREAM_BUFFER_BYTES_MAX_DEFAULT = 8 * 1024 * 1024;
const PROGRESS_NOTIFY_INTERVAL_MS_DEFAULT = 10 * 60 * 1000;

/**
 * A peer's API port: etcd's /v3 JSON gateway, /healthz, /readyz, /metrics, and the
 * fallback for everything else. No request can take the process down: every handler
 * failure is caught, logged and answered (or the connection closed).
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const gateway: EtcdGatewayOptions = {
    store: options.store,
    logger: options.logger,
    bodyBytesMax: options.bodyBytesMax ?? BODY_BYTES_MAX_DEFAULT,
    streamBufferBytesMax: options.streamBufferBytesMax ?? STREAM_BUFFER_BYTES_MAX_DEFAULT,
    progressNotifyIntervalMs: options.progressNotifyIntervalMs ?? PROGRESS_NOTIFY_INTERVAL_MS_DEFAULT,
    ...(options.metrics !== undefined ? { onWatchersChange: (delta: number) => options.metrics?.watchers.inc(delta) } : {}),
  };
  const registry = options.registry ?? options.metrics?.registry;
  const trace = options.trace;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    // A write to a response whose client has gone must never become an unhandled 'error'.
    res.on('error', (error) => options.logger.debug({ err: error }, 'response stream error'));
    if (trace?.enabled === true) {
      const path = pathOf(req.url);
      trace.mark('http-in', path);
      res.on('finish', () => trace.mark('http-out', path));
    }
    route(req, res, options, gateway, registry).catch((error: unknown) => {
      options.logger.error({ err: error, url: req.url }, 'API request failed');
      writeError(res, error, options.logger);
    });
  };
  const plainHandler = (req: IncomingMessage, res: ServerResponse): void => {
    if (options.tls !== undefined && !ownsPath(pathOf(req.url)) && options.fallback !== undefined) {
      // Go's net/http answer; the Kubernetes API carries bearer tokens and is TLS only.
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end('Client sent an HTTP request to an HTTPS server.\n');
      return;
    }
    handler(req, res);
  };
  const plain = createHttpServer(plainHandler);
  const secure = options.tls !== undefined ? createHttpsServer({ ...options.tls }, handler) : undefined;
  for (const s of secure !== undefined ? [plain, secure] : [plain]) {
    s.on('clientError', (error, socket) => {
      options.logger.debug({ err: error }, 'bad HTTP request');
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }
  const server: Server | NetServer = secure !== undefined ? dualProtocolServer(plain, secure) : plain;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.logger.error({ err: error }, 'API server error'));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${options.tls !== undefined ? 'https' : 'http'}://${host}:${address.port}`,
    close: async () => {
      await Promise.all([closeServer(server), ...(secure !== undefined ? [closeServer(plain), closeServer(secure)] : [])]);
    },
  };
}

async function route(req: IncomingMessage, res: ServerResponse, options: ApiServerOptions, gateway: EtcdGatewayOptions, registry: Registry | undefined): Promise<void> {
  req.on('error', (error) => options.logger.debug({ err: error }, 'request stream error'));
  const path = pathOf(req.url);
  if (path.startsWith('/v3/')) return handleEtcdGateway(req, res, path, gateway);
  if (path === '/healthz' || path === '/livez') return text(res, 200, 'ok');
  if (path === '/readyz') {
    const reason = notReadyReason(options.store);
    return reason === undefined ? text(res, 200, 'ok') : text(res, 503, `not ready: ${reason}`);
  }
  if (path === '/metrics' && registry !== undefined) {
    const body = await registry.metrics();
    res.writeHead(200, { 'Content-Type': registry.contentType });
    res.end(body);
    return;
  }
  if (options.fallback !== undefined) return options.fallback(req, res);
  const body = JSON.stringify({ error: `path ${path} not found`, message: `path ${path} not found`, code: 5 });
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(body);
}

/**
 * Ready: a leader is known and this peer has applied everything it knows is committed,
 * so a read served here is not behind what it has already acknowledged.
 */
export function notReadyReason(store: Pick<KvStore, 'status'>): string | undefined {
  const status = store.status();
  if (status.errors.length > 0) return status.errors.join('; ');
  if (status.leader === '0') return 'no leader';
  if (status.raftAppliedIndex < status.commitIndex) return `applied index ${status.raftAppliedIndex} is behind commit index ${status.commitIndex}`;
  return undefined;
}

export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function closeServer(server: Server | NetServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Watch streams never end by themselves: close every connection, which cancels their watchers.
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

/** The paths this server answers itself, on plain HTTP as on TLS. */
function ownsPath(path: string): boolean {
  return path.startsWith('/v3/') || path === '/healthz' || path === '/livez' || path === '/readyz' || path === '/metrics';
}
