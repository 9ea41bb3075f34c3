/** The protobuf wire format, read only: enough to walk Kubernetes' request bodies. */

export type WireValue = { readonly wire: 0; readonly value: bigint } | { readonly wire: 2; readonly bytes: Buffer } | { readonly wire: 1 | 5; readonly bytes: Buffer };

export interface WireField {
  readonly field: number;
  readonly value: WireValue;
}

export class ProtobufWireError extends Error {}

function readVarint(buf: Buffer, at: number): { value: bigint; next: number } {
  let value = 0n;
  for (let shift = 0n, i = at; i < buf.length && shift < 70n; i++, shift += 7n) {
    const byte = buf[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new ProtobufWireError('truncated varint');
}

/** The fields of one message, in wire order. Groups (wire types 3 and 4) are refused. */
export function readFields(buf: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < buf.length) {
    const tag = readVarint(buf, at);
    at = tag.next;
    const field = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    if (wire === 0) {
      const v = readVarint(buf, at);
      at = v.next;
      fields.push({ field, value: { wire: 0, value: v.value } });
    } else if (wire === 2) {
      const length = readVarint(buf, at);
      const end = length.next + Number(length.value);
      if (end > buf.length) throw new ProtobufWireError(`field ${field}: length ${length.value} past the end`);
      fields.push({ field, value: { wire: 2, bytes: buf.subarray(length.next, end) } });
      at = end;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (at + size > buf.length) throw new ProtobufWireError(`field ${field}: truncated fixed value`);
      fields.push({ field, value: { wire, bytes: buf.subarray(at, at + size) } });
      at += size;
    } else {
      throw new ProtobufWireError(`field ${field}: unsupported wire type ${wire}`);
    }
  }
  return fields;
}

/** A signed 64-bit varint (int64/int32 in Go's generated code: two's complement, not zigzag). */
export function toSigned(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}
