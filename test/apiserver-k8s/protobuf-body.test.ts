import t from 'tap';
import { decodeProtobufObject } from '../../src/apiserver/k8s/protobuf-body.js';
import type { ApiError } from '../../src/apiserver/k8s/api-errors.js';

/** A minimal protobuf writer: enough to build the bodies client-go sends. */
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
  return Buffer.from(out);
}
const bytesField = (field: number, value: Buffer | string): Buffer => {
  const b = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((field << 3) | 2), varint(b.length), b]);
};
const intField = (field: number, n: number): Buffer => Buffer.concat([varint(field << 3), varint(n)]);
const msg = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
const entry = (field: number, key: string, value: Buffer | string): Buffer => bytesField(field, msg(bytesField(1, key), bytesField(2, value)));

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), bytesField(1, msg(bytesField(1, apiVersion), bytesField(2, kind))), bytesField(2, raw), bytesField(3, ''), bytesField(4, '')]);
}

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected an error');
}

t.test('a ConfigMap as client-go encodes it: empty strings and zero times left out, map values kept', async (t) => {
  const meta = msg(bytesField(1, 'cm'), bytesField(2, ''), bytesField(3, ''), intField(7, 0), bytesField(8, Buffer.alloc(0)), entry(11, 'app', 'x'));
  const body = envelope('v1', 'ConfigMap', msg(bytesField(1, meta), entry(2, 'a', 'b'), entry(2, 'empty', ''), entry(3, 'bin', Buffer.from([1, 2]))));
  t.same(decodeProtobufObject(body), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', labels: { app: 'x' } },
    data: { a: 'b', empty: '' },
    binaryData: { bin: Buffer.from([1, 2]).toString('base64') },
  });
});

t.test('pointer fields keep their zero value; status is ignored', async (t) => {
  const spec = msg(intField(1, 0), intField(5, 0));
  const body = envelope('apps/v1', 'Deployment', msg(bytesField(1, bytesField(1, 'd')), bytesField(2, spec), bytesField(3, intField(2, 7))));
  t.same(decodeProtobufObject(body), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 0 } });
});

t.test('what cannot be decoded is refused with a clear error, never dropped', async (t) => {
  const noMagic = failure(() => decodeProtobufObject(Buffer.from('{"kind":"Pod"}')));
  t.equal(noMagic.httpStatus, 400);
  t.match(noMagic.message, 'expected prefix [107 56 115 0]');
  const otherKind = failure(() => decodeProtobufObject(envelope('v1', 'Pod', Buffer.alloc(0))));
  t.equal(otherKind.httpStatus, 415);
  t.match(otherKind.message, 'v1 Pod is accepted as JSON only');
  const unknownField = failure(() => decodeProtobufObject(envelope('v1', 'ConfigMap', bytesField(9, 'x'))));
  t.equal(unknownField.httpStatus, 415);
  t.match(unknownField.message, 'field 9 of ConfigMap is not supported; send the object as JSON');
  const truncated = failure(() => decodeProtobufObject(Buffer.concat([envelope('v1', 'ConfigMap', Buffer.alloc(0)), Buffer.from([0x12, 0x40, 0x01])])));
  t.equal(truncated.httpStatus, 400);
  t.match(truncated.message, 'malformed protobuf body');
});
