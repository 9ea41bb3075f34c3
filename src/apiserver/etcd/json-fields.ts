import { decodeBase64Strict } from './base64-strict.js';
import { badRequest } from './gateway-error.js';

/**
 * Reads one JSON object as golang/protobuf's jsonpb (grpc-gateway v1) reads a message:
 * each field under its proto name or its lowerCamel JSON name, null as the zero value,
 * unknown fields ignored, int64 as a number or a decimal string, enums by name or number,
 * bytes as padded standard base64.
 */
export class JsonFields {
  private constructor(private readonly object: Record<string, unknown>) {}

  /** A request body or nested message; absent and null read as an empty message. */
  static of(value: unknown): JsonFields {
    if (value === undefined || value === null) return new JsonFields({});
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest(`json: cannot unmarshal ${jsonKind(value)} into Go value of type map[string]json.RawMessage`);
    }
    return new JsonFields(value as Record<string, unknown>);
  }

  has(protoName: string): boolean {
    return this.raw(protoName) !== undefined;
  }

  bytes(protoName: string): Uint8Array | undefined {
    const value = this.raw(protoName);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw typeMismatch(value, '[]uint8');
    return decodeBase64Strict(value);
  }

  /** int64/uint64 fields; revisions and counts must fit a JavaScript number exactly. */
  int(protoName: string): number | undefined {
    const value = this.raw(protoName);
    if (value === undefined) return undefined;
    const parsed = typeof value === 'string' ? parseIntegerText(value) : value;
    if (typeof parsed !== 'number' || !Number.isSafeInteger(parsed)) throw typeMismatch(value, 'int64');
    return parsed;
  }

  /**
   * Ids kept as canonical decimal strings: lease ids are int64, member ids uint64. A value
   * outside the type's range is refused as Go's decoder refuses it, before it can reach a
   * proposal.
   */
  id(protoName: string, goType: 'int64' | 'uint64' = 'int64'): string | undefined {
    const value = this.raw(protoName);
    if (value === undefined) return undefined;
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
    if (typeof text !== 'string' || !/^-?[0-9]{1,20}$/.test(text)) throw typeMismatch(value, goType);
    const id = BigInt(text);
    const [min, max] = goType === 'int64' ? INT64_RANGE : UINT64_RANGE;
    // jsonpb unquotes a quoted int64 and decodes the digits as a number: Go's error names them.
    if (id < min || id > max) throw badRequest(`json: cannot unmarshal number ${text} into Go value of type ${goType}`);
    return id.toString();
  }

  bool(protoName: string): boolean | undefined {
    const value = this.raw(protoName);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw typeMismatch(value, 'bool');
    return value;
  }

  string(protoName: string): string | undefined {
    const value = this.raw(protoName);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw typeMismatch(value, 'string');
    return value;
  }

  /** `names` lists the enum's values in number order, as the .proto declares them. */
  enumOf<T extends string>(protoName: string, names: readonly T[], goType: string): T | undefined {
    const value = this.raw(protoName);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value)) {
      const name = names[value];
      if (name !== undefined) return name;
    }
    if (typeof value === 'string' && (names as readonly string[]).includes(value)) return value as T;
    throw badRequest(`unknown value ${JSON.stringify(value)} for enum ${goType}`);
  }

  message(protoName: string): JsonFields | undefined {
    const value = this.raw(protoName);
    return value === undefined ? undefined : JsonFields.of(value);
  }

  list(protoName: string): unknown[] {
    const value = this.raw(protoName);
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw typeMismatch(value, 'slice');
    return value;
  }

  private raw(protoName: string): unknown {
    const direct = this.object[protoName];
    const value = direct !== undefined ? direct : this.object[lowerCamel(protoName)];
    return value === null ? undefined : value;
  }
}

const INT64_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const UINT64_RANGE = [0n, 2n ** 64n - 1n] as const;

function lowerCamel(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function parseIntegerText(text: string): number | undefined {
  return /^-?[0-9]{1,20}$/.test(text) ? Number(text) : undefined;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : typeof value;
}

function typeMismatch(value: unknown, goType: string): Error {
  return badRequest(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${goType}`);
}
