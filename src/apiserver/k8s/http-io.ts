import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { isPlainObject } from '../../api/object.js';
import { readBody } from '../request-body.js';
import { ApiError, badRequest, notAcceptable, requestEntityTooLarge, unsupportedMediaType } from './api-errors.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf-body.js';

export const REQUEST_BODY_BYTES_MAX = 3 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': headers['content-type'] ?? 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.httpStatus, error.toStatus());
}

export type OutputFormat = 'json' | 'table';

const ACCEPTABLE = ['application/json', 'application/yaml', 'application/*', '*/*'];

/**
 * Picks the answer's format from Accept. kubectl asks for a Table first and JSON as a fallback;
 * clients that only take protobuf or something else get 406 as kube-apiserver gives it.
 */
export function negotiate(req: Pick<IncomingMessage, 'headers'>): OutputFormat {
  const accept = req.headers.accept;
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = accept.split(',').map((r) => r.trim().toLowerCase());
  for (const range of ranges) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim());
    const as = params.find((p) => p.startsWith('as='))?.slice(3);
    const group = params.find((p) => p.startsWith('g='))?.slice(2);
    if (as === 'table' && (group === undefined || group === 'meta.k8s.io') && (type === 'application/json' || type === '*/*')) return 'table';
    if (as === undefined && ACCEPTABLE.includes(type)) return 'json';
  }
  throw notAcceptable();
}

const JSON_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export function mediaTypeOf(req: Pick<IncomingMessage, 'headers'>): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  try {
    return await readBody(req, REQUEST_BODY_BYTES_MAX);
  } catch (error) {
    if ((error as { code?: string }).code === 'GATEWAY_BODY_TOO_LARGE') throw requestEntityTooLarge(REQUEST_BODY_BYTES_MAX);
    throw error;
  }
}

/** Decodes JSON or YAML (one document) by media type, with the errors kube-apiserver gives. */
export function decodeDocument(text: string, mediaType: string): unknown {
  if (mediaType === 'application/yaml' || mediaType === 'application/apply-patch+yaml') {
    try {
      return parseYaml(text, { maxAliasCount: 100 });
    } catch (error) {
      throw badRequest(`error converting YAML to JSON: yaml: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

/** Reads an object body for create and update (JSON, YAML, or protobuf for the kinds kubectl's generators send). */
export async function readObjectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const mediaType = mediaTypeOf(req);
  if (mediaType !== '' && !JSON_TYPES.includes(mediaType)) throw unsupportedMediaType(mediaType, JSON_TYPES);
  const raw = await readRawBody(req);
  if (mediaType === PROTOBUF_MEDIA_TYPE) return decodeProtobufObject(raw);
  const value = decodeDocument(raw.toString('utf8'), mediaType);
  if (!isPlainObject(value)) throw badRequest(`Object 'Kind' is missing in '${raw.toString('utf8').slice(0, 200)}'`);
  return value;
}
