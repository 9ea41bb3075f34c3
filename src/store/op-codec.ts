import { Packr } from 'msgpackr';
import { StoreError } from './errors.js';
import { isLeaseId } from './lease-id.js';
import type { StoreOp } from './ops.js';

/**
 * StoreOp <-> bytes for Raft entries. msgpack without records, so the bytes depend on
 * nothing but the op. Decoding checks the whole shape, so a bad entry is a coded error on
 * every peer instead of a crash deep in apply.
 */
const packr = new Packr({ useRecords: false, moreTypes: false });

export function encodeOp(op: StoreOp): Uint8Array {
  return packr.pack(op);
}

export function decodeOp(bytes: Uint8Array): StoreOp {
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (error) {
    throw invalid(`undecodable: ${(error as Error).message}`);
  }
  checkOp(value);
  return value;
}

function invalid(reason: string): StoreError {
  return new StoreError('STORE_OP_INVALID', `store op is invalid: ${reason}`, { reason });
}

type Shape = Record<string, unknown>;
type FieldCheck = (value: unknown) => boolean;

const isObject = (value: unknown): value is Shape => typeof value === 'object' && value !== null && !Array.isArray(value);
const bytes: FieldCheck = (value) => value instanceof Uint8Array;
const integer: FieldCheck = (value) => Number.isSafeInteger(value);
const boolean: FieldCheck = (value) => typeof value === 'boolean';
const leaseId: FieldCheck = (value) => isLeaseId(value);
const oneOf =
  (...options: string[]): FieldCheck =>
  (value) =>
    typeof value === 'string' && options.includes(value);
const listOf =
  (item: (value: unknown) => void): FieldCheck =>
  (value) => {
    if (!Array.isArray(value)) return false;
    value.forEach(item);
    return true;
  };

function checkFields(value: unknown, where: string, required: Record<string, FieldCheck>, optional: Record<string, FieldCheck> = {}): void {
  if (!isObject(value)) throw invalid(`${where} is not an object`);
  // for…in, not Object.entries: every applied entry passes here, and entries() makes an
  // array per field. The shapes are plain objects (msgpack maps, no prototype fields).
  for (const name in required) {
    if (!(required[name] as FieldCheck)(value[name])) throw invalid(`${where}.${name} is missing or malformed`);
  }
  for (const name in value) {
    const item = value[name];
    // Own fields only: a field named like an Object.prototype method is not a known one.
    const check = Object.hasOwn(optional, name) ? optional[name] : Object.hasOwn(required, name) ? required[name] : undefined;
    if (check === undefined) throw invalid(`${where}.${name} is not a known field`);
    if (item !== undefined && !check(item)) throw invalid(`${where}.${name} is malformed`);
  }
}

const rangeFields = {
  rangeEnd: bytes,
  limit: integer,
  revision: integer,
  sortOrder: oneOf('NONE', 'ASCEND', 'DESCEND'),
  sortTarget: oneOf('KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'),
  keysOnly: boolean,
  countOnly: boolean,
  minModRevision: integer,
  maxModRevision: integer,
  minCreateRevision: integer,
  maxCreateRevision: integer,
};
const putFields = { value: bytes, lease: leaseId, prevKv: boolean, ignoreValue: boolean, ignoreLease: boolean };
const compareFields = {
  rangeEnd: bytes,
  version: integer,
  createRevision: integer,
  modRevision: integer,
  value: bytes,
  lease: leaseId,
};

function checkCompare(value: unknown): void {
  checkFields(
    value,
    'compare',
    { result: oneOf('EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'), target: oneOf('VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'), key: bytes },
    compareFields,
  );
}

function checkRequestOp(value: unknown): void {
  if (!isObject(value) || Object.keys(value).length !== 1) throw invalid('request op must have exactly one field');
  if ('requestRange' in value) checkFields(value.requestRange, 'requestRange', { key: bytes }, rangeFields);
  else if ('requestPut' in value) checkFields(value.requestPut, 'requestPut', { key: bytes }, putFields);
  else if ('requestDeleteRange' in value) checkFields(value.requestDeleteRange, 'requestDeleteRange', { key: bytes }, { rangeEnd: bytes, prevKv: boolean });
  else if ('requestTxn' in value) checkTxn(value.requestTxn);
  else throw invalid('unknown request op');
}

function checkTxn(value: unknown): void {
  checkFields(value, 'txn', {}, { compare: listOf(checkCompare), success: listOf(checkRequestOp), failure: listOf(checkRequestOp) });
}

const opFields: Record<string, (op: Shape) => void> = {
  range: (op) => checkFields(op.request, 'range', { key: bytes }, rangeFields),
  put: (op) => checkFields(op.request, 'put', { key: bytes }, putFields),
  deleteRange: (op) => checkFields(op.request, 'deleteRange', { key: bytes }, { rangeEnd: bytes, prevKv: boolean }),
  txn: (op) => checkTxn(op.request),
  compact: (op) => checkFields(op.request, 'compact', { revision: integer }, { physical: boolean }),
  leaseGrant: (op) => checkFields(op.request, 'leaseGrant', { ttl: integer }, { id: leaseId }),
  leaseRevoke: (op) => checkFields(op.request, 'leaseRevoke', { id: leaseId }),
  leaseKeepAlive: (op) => checkFields(op.request, 'leaseKeepAlive', { id: leaseId }),
  leasePromote: () => undefined,
};

const opTopFields: Record<string, Record<string, FieldCheck>> = {
  leaseGrant: { nowMs: integer },
  leaseKeepAlive: { nowMs: integer },
  leasePromote: { nowMs: integer, extendMs: integer },
};

function checkOp(value: unknown): asserts value is StoreOp {
  if (!isObject(value) || typeof value.type !== 'string') throw invalid('op has no type');
  const checkRequest = opFields[value.type];
  if (checkRequest === undefined) throw invalid(`unknown op type ${value.type}`);
  const top: Record<string, FieldCheck> = { type: oneOf(value.type), ...opTopFields[value.type] };
  if (value.type !== 'leasePromote') top.request = isObject;
  checkFields(value, 'op', top);
  checkRequest(value);
}
