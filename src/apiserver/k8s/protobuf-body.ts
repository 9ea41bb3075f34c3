import { ApiError, badRequest } from './api-errors.js';
import { PROTOBUF_KINDS, type FieldSchema, type MessageSchema, type Scalar } from './protobuf-schemas.js';
import { ProtobufWireError, readFields, toSigned, type WireValue } from './protobuf-wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
/** Every Kubernetes protobuf body starts with these four bytes, then a runtime.Unknown. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const unsupported = (detail: string): ApiError =>
  new ApiError(415, 'UnsupportedMediaType', `protobuf body: ${detail} - accepted media types include: application/json, application/yaml`, {});

/**
 * A protobuf request body (what client-go's typed clients, and so kubectl's generator
 * commands, send) as the JSON object the rest of the API works on. Zero values of
 * non-pointer fields are left out, as Go's JSON encoding with omitempty would.
 */
export function decodeProtobufObject(raw: Buffer): Record<string, unknown> {
  if (raw.length < MAGIC.length || !raw.subarray(0, MAGIC.length).equals(MAGIC)) throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  try {
    const envelope = readFields(raw.subarray(MAGIC.length));
    const typeMeta = envelope.find((f) => f.field === 1)?.value;
    const body = envelope.find((f) => f.field === 2)?.value;
    const encoding = envelope.find((f) => f.field === 3)?.value;
    if (encoding?.wire === 2 && encoding.bytes.length > 0) throw unsupported(`content encoding ${encoding.bytes.toString('utf8')}`);
    const meta = typeMeta?.wire === 2 ? readFields(typeMeta.bytes) : [];
    const text = (n: number): string => {
      const v = meta.find((f) => f.field === n)?.value;
      return v?.wire === 2 ? v.bytes.toString('utf8') : '';
    };
    const [apiVersion, kind] = [text(1), text(2)];
    const schema = PROTOBUF_KINDS.get(`${apiVersion}/${kind}`);
    if (schema === undefined) throw unsupported(`${apiVersion} ${kind || '(no kind)'} is accepted as JSON only`);
    const object = body?.wire === 2 ? decodeMessage(schema, body.bytes) : {};
    return { apiVersion, kind, ...object };
  } catch (error) {
    if (error instanceof ProtobufWireError) throw badRequest(`malformed protobuf body: ${error.message}`);
    throw error;
  }
}

function decodeMessage(schema: MessageSchema, bytes: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { field, value } of readFields(bytes)) {
    const f = schema.fields[field];
    if (f === undefined) throw unsupported(`field ${field} of ${schema.name} is not supported; send the object as JSON`);
    if (f.type === 'ignore') continue;
    if (f.map === true) {
      const entries = (out[f.name] ??= {}) as Record<string, unknown>;
      const entry = readFields(bytesOf(value, f, schema));
      const key = entry.find((e) => e.field === 1)?.value;
      const item = entry.find((e) => e.field === 2)?.value;
      entries[key?.wire === 2 ? key.bytes.toString('utf8') : ''] = item === undefined ? zeroOf(f.type) : decodeValue(f, item, schema, true);
      continue;
    }
    const decoded = decodeValue(f, value, schema, f.repeated === true || f.pointer === true);
    if (decoded === undefined) continue;
    if (f.repeated === true) ((out[f.name] ??= []) as unknown[]).push(decoded);
    else out[f.name] = decoded;
  }
  return out;
}

function bytesOf(value: WireValue, f: FieldSchema, schema: MessageSchema): Buffer {
  if (value.wire !== 2) throw badRequest(`malformed protobuf body: field ${f.name} of ${schema.name} is not length-delimited`);
  return value.bytes;
}

function zeroOf(type: FieldSchema['type']): unknown {
  return type === 'int' ? 0 : type === 'bool' ? false : '';
}

/** The JSON value of one field; undefined for a zero value that JSON would leave out. */
function decodeValue(f: FieldSchema, value: WireValue, schema: MessageSchema, keepZero: boolean): unknown {
  if (typeof f.type === 'object') {
    const nested = decodeMessage(f.type, bytesOf(value, f, schema));
    return Object.keys(nested).length === 0 && !keepZero ? undefined : nested;
  }
  const scalar: Scalar | 'ignore' = f.type;
  switch (scalar) {
    case 'int':
    case 'bool': {
      if (value.wire !== 0) throw badRequest(`malformed protobuf body: field ${f.name} of ${schema.name} is not a varint`);
      const n = toSigned(value.value);
      if (n === 0 && !keepZero) return undefined;
      return scalar === 'bool' ? n !== 0 : n;
    }
    case 'string': {
      const text = bytesOf(value, f, schema).toString('utf8');
      return text === '' && !keepZero ? undefined : text;
    }
    case 'bytes':
      return bytesOf(value, f, schema).toString('base64');
    case 'time': {
      const parts = readFields(bytesOf(value, f, schema));
      const seconds = parts.find((p) => p.field === 1)?.value;
      const s = seconds?.wire === 0 ? toSigned(seconds.value) : 0;
      return s === 0 ? undefined : new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'quantity': {
      const text = readFields(bytesOf(value, f, schema)).find((p) => p.field === 1)?.value;
      return text?.wire === 2 ? text.bytes.toString('utf8') : '';
    }
    case 'intOrString': {
      const parts = readFields(bytesOf(value, f, schema));
      const get = (n: number) => parts.find((p) => p.field === n)?.value;
      const type = get(1);
      const isString = type?.wire === 0 && type.value === 1n;
      if (isString) {
        const text = get(3);
        return text?.wire === 2 ? text.bytes.toString('utf8') : '';
      }
      const n = get(2);
      return n?.wire === 0 ? toSigned(n.value) : 0;
    }
    case 'ignore':
      return undefined;
  }
}
