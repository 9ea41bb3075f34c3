import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, mapError, streamErrorLine } from './error-mapping.js';
import { GatewayError, GrpcCode, httpStatusOf } from './gateway-error.js';
import { JsonFields } from './json-fields.js';
import type { JsonObject } from './json-out.js';
import { JsonValueSplitter } from './json-value-splitter.js';

export interface ResultStreamLimits {
  /** A client whose unread output exceeds this is cut off. */
  readonly streamBufferBytesMax: number;
  /** Largest single streamed request message. */
  readonly bodyBytesMax: number;
}

/**
 * The response side of a streaming gateway call: one `{"result": ...}` object per line,
 * chunked, as grpc-gateway v1 streams. A failure after the first line becomes a final
 * `{"error": {...}}` line, as grpc-gateway writes it.
 */
export class ResultStream {
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: ResultStreamLimits,
    private readonly onCutOff: (reason: string) => void,
  ) {}

  get closed(): boolean {
    return this.ended || this.res.destroyed;
  }

  /** Writes one result; false asks the caller to wait for drain(). */
  send(result: JsonObject): boolean {
    if (this.closed) return false;
    if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': 'application/json' });
    const ok = this.res.write(`${JSON.stringify({ result })}\n`);
    if (this.res.writableLength > this.limits.streamBufferBytesMax) {
      const reason = `client read too slowly: more than ${this.limits.streamBufferBytesMax} bytes unread`;
      this.onCutOff(reason);
      this.fail(new GatewayError('GATEWAY_SLOW_READER', reason, GrpcCode.RESOURCE_EXHAUSTED));
      return false;
    }
    return ok;
  }

  onDrain(callback: () => void): void {
    this.res.on('drain', callback);
  }

  fail(error: unknown): void {
    if (this.closed) return;
    const mapped = mapError(error);
    if (!this.res.headersSent) {
      // Before the stream began, grpc-gateway reports even a bad request body with
      // gRPC Unknown (HTTP 500) on streaming methods; etcd clients see exactly that.
      const code = error instanceof GatewayError && error.code === 'GATEWAY_BAD_REQUEST' ? GrpcCode.UNKNOWN : mapped.grpcCode;
      const body = errorBody({ ...mapped, grpcCode: code });
      this.res.writeHead(httpStatusOf(code), { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      this.res.end(body);
    } else {
      this.res.end(`${streamErrorLine(mapped)}\n`);
    }
    this.ended = true;
  }

  end(): void {
    if (this.closed) return;
    this.ended = true;
    if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.end();
  }
}

export interface MessageReaderHandlers {
  /** Called for each request message, one at a time: the next waits for this one. */
  onMessage(fields: JsonFields): Promise<void> | void;
  /** The client finished sending (all messages handled). */
  onEnd(): void;
  onError(error: unknown): void;
}

/** Reads a streaming call's request body as a sequence of JSON messages. */
export function readMessages(req: IncomingMessage, limits: ResultStreamLimits, handlers: MessageReaderHandlers): void {
  const splitter = new JsonValueSplitter(limits.bodyBytesMax);
  let chain: Promise<void> = Promise.resolve();
  let failed = false;
  const fail = (error: unknown): void => {
    if (failed) return;
    failed = true;
    handlers.onError(error);
  };
  const enqueue = (task: () => Promise<void> | void): void => {
    chain = chain.then(async () => {
      if (!failed) await task();
    }).catch(fail);
  };
  // Reading stops at bad input; the messages complete before it are still served, then the error.
  let reading = true;
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    if (failed || !reading) return;
    const { values, error } = splitter.push(chunk);
    for (const text of values) enqueue(() => handlers.onMessage(JsonFields.of(parseJson(text))));
    if (error !== undefined) {
      reading = false;
      enqueue(() => Promise.reject(error));
    }
  });
  req.on('end', () => {
    if (!reading) return;
    if (!splitter.idle) enqueue(() => Promise.reject(new GatewayError('GATEWAY_BAD_REQUEST', 'unexpected EOF', GrpcCode.INVALID_ARGUMENT)));
    enqueue(() => handlers.onEnd());
  });
  req.on('error', fail);
}

/** JSON.parse with Go-like wording for the failures clients are likely to meet. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    if (/end of JSON input|Unterminated/.test(message)) throw new GatewayError('GATEWAY_BAD_REQUEST', 'unexpected EOF', GrpcCode.INVALID_ARGUMENT);
    const token = /Unexpected token '?(.)/.exec(message)?.[1];
    const wording = token !== undefined ? `invalid character '${token}' in request body` : `invalid JSON in request body: ${message}`;
    throw new GatewayError('GATEWAY_BAD_REQUEST', wording, GrpcCode.INVALID_ARGUMENT);
  }
}
