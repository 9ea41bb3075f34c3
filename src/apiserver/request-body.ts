import type { IncomingMessage } from 'node:http';
import { GatewayError, GrpcCode } from './etcd/gateway-error.js';

/** Largest request body any API path accepts (DESIGN.md: 3 MiB). */
export const BODY_BYTES_MAX_DEFAULT = 3 * 1024 * 1024;

/**
 * Reads a whole request body, refusing it as soon as it passes `bodyBytesMax` (checked
 * against Content-Length first, so an honest large upload is refused before it is sent).
 */
export function readBody(req: IncomingMessage, bodyBytesMax: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > bodyBytesMax) {
      reject(tooLarge(bodyBytesMax));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > bodyBytesMax) {
        reject(tooLarge(bodyBytesMax));
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A client that goes away mid-body is not the server's failure: coded, it is not logged
    // as one (a client could otherwise fill the log at will).
    req.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ECONNRESET' || error.message === 'aborted' ? clientGone() : error));
  });
}

function tooLarge(bodyBytesMax: number): GatewayError {
  return new GatewayError('GATEWAY_BODY_TOO_LARGE', `request body is larger than ${bodyBytesMax} bytes`, GrpcCode.RESOURCE_EXHAUSTED, { bodyBytesMax });
}

function clientGone(): GatewayError {
  return new GatewayError('GATEWAY_CLIENT_GONE', 'the client closed the connection before its request was read', GrpcCode.CANCELLED);
}
