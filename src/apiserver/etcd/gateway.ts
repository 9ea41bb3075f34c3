import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KvStore } from '../../peer/kv-store.js';
import type { Logger } from '../../util/logger.js';
import { readBody } from '../request-body.js';
import { errorBody, mapError } from './error-mapping.js';
import { GatewayError } from './gateway-error.js';
import { JsonFields } from './json-fields.js';
import type { JsonObject } from './json-out.js';
import { ResultStream, parseJson, readMessages, type ResultStreamLimits } from './result-stream.js';
import { UNARY_ROUTES, keepAliveOnce } from './unary-routes.js';
import { WatchStream } from './watch-stream.js';

export interface EtcdGatewayOptions extends ResultStreamLimits {
  readonly store: KvStore;
  readonly logger: Logger;
  readonly progressNotifyIntervalMs: number;
  readonly onWatchersChange?: (delta: number) => void;
}

const STREAM_ROUTES = new Set(['/v3/watch', '/v3/lease/keepalive']);

/** Serves etcd v3's JSON gateway paths (/v3/...) over a KvStore, as etcd's grpc-gateway does. */
export function handleEtcdGateway(req: IncomingMessage, res: ServerResponse, path: string, options: EtcdGatewayOptions): Promise<void> {
  const unary = UNARY_ROUTES.get(path);
  if (unary === undefined && !STREAM_ROUTES.has(path)) return plainText(res, 404, 'Not Found\n');
  // etcd registers every gateway method for POST only.
  if (req.method !== 'POST') return plainText(res, 405, 'Method Not Allowed\n');
  if (unary !== undefined) return serveUnary(req, res, options, (fields) => unary(options.store, fields));
  if (path === '/v3/watch') return serveWatch(req, res, options);
  return serveKeepAlive(req, res, options);
}

async function serveUnary(req: IncomingMessage, res: ServerResponse, options: EtcdGatewayOptions, call: (fields: JsonFields) => Promise<JsonObject>): Promise<void> {
  let body: string;
  try {
    const text = (await readBody(req, options.bodyBytesMax)).toString('utf8');
    body = JSON.stringify(await call(JsonFields.of(text.trim() === '' ? {} : parseJson(text))));
  } catch (error) {
    writeError(res, error, options.logger);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Writes an etcd-style error body: `{"error": msg, "message": msg, "code": grpcCode}`. */
export function writeError(res: ServerResponse, error: unknown, logger: Logger): void {
  const mapped = mapError(error);
  if (mapped.internal) logger.error({ err: error }, 'etcd gateway request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const tooLarge = error instanceof GatewayError && error.code === 'GATEWAY_BODY_TOO_LARGE';
  const body = errorBody(mapped);
  res.writeHead(tooLarge ? 413 : mapped.httpStatus, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    // The rest of an oversized body is not worth reading: close rather than drain it.
    ...(tooLarge ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

function serveWatch(req: IncomingMessage, res: ServerResponse, options: EtcdGatewayOptions): Promise<void> {
  const out = new ResultStream(res, options, (reason) => options.logger.warn({ reason }, 'watch stream cut off'));
  const watch = new WatchStream(out, {
    store: options.store,
    logger: options.logger,
    progressNotifyIntervalMs: options.progressNotifyIntervalMs,
    ...(options.onWatchersChange !== undefined ? { onWatchersChange: options.onWatchersChange } : {}),
  });
  return new Promise((resolve) => {
    res.on('close', () => {
      watch.close();
      resolve();
    });
    readMessages(req, options, {
      onMessage: (fields) => watch.handle(fields),
      // A watch stream stays open after the client stops sending, as etcd's does.
      onEnd: () => undefined,
      onError: (error) => {
        watch.close();
        out.fail(error);
      },
    });
  });
}

/** LeaseKeepAlive: one result per request message; the stream ends when the client's body does. */
function serveKeepAlive(req: IncomingMessage, res: ServerResponse, options: EtcdGatewayOptions): Promise<void> {
  const out = new ResultStream(res, options, (reason) => options.logger.warn({ reason }, 'keep-alive stream cut off'));
  return new Promise((resolve) => {
    res.on('close', () => resolve());
    readMessages(req, options, {
      onMessage: async (fields) => {
        out.send(await keepAliveOnce(options.store, fields));
      },
      onEnd: () => out.end(),
      onError: (error) => {
        if (mapError(error).internal) options.logger.error({ err: error }, 'lease keep-alive failed');
        out.fail(error);
      },
    });
  });
}

function plainText(res: ServerResponse, status: number, text: string): Promise<void> {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
  return Promise.resolve();
}
