import type { WithHeader } from '../../peer/kv-store.js';
import type { Compare, CompareResult, CompareTarget, RequestOp, ResponseOp, TxnRequest, TxnResponse } from '../../store/index.js';
import { badRequest } from './gateway-error.js';
import { JsonFields } from './json-fields.js';
import { boolOut, definedOnly, headerOut, listOut, withoutUndefined, type JsonObject } from './json-out.js';
import {
  decodeDeleteRangeRequest,
  decodePutRequest,
  decodeRangeRequest,
  deleteRangeResponseOut,
  putResponseOut,
  rangeResponseOut,
} from './kv-codec.js';

const COMPARE_RESULTS: readonly CompareResult[] = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'];
const COMPARE_TARGETS: readonly CompareTarget[] = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'];
const EMPTY = new Uint8Array(0);

export function decodeTxnRequest(fields: JsonFields): TxnRequest {
  return {
    compare: fields.list('compare').map((item) => decodeCompare(JsonFields.of(item))),
    success: fields.list('success').map((item) => decodeRequestOp(JsonFields.of(item))),
    failure: fields.list('failure').map((item) => decodeRequestOp(JsonFields.of(item))),
  };
}

function decodeCompare(fields: JsonFields): Compare {
  return withoutUndefined<Compare>({
    result: fields.enumOf('result', COMPARE_RESULTS, 'etcdserverpb.Compare_CompareResult') ?? 'EQUAL',
    target: fields.enumOf('target', COMPARE_TARGETS, 'etcdserverpb.Compare_CompareTarget') ?? 'VERSION',
    key: fields.bytes('key') ?? EMPTY,
    rangeEnd: fields.bytes('range_end'),
    version: fields.int('version'),
    createRevision: fields.int('create_revision'),
    modRevision: fields.int('mod_revision'),
    value: fields.bytes('value'),
    lease: fields.id('lease'),
  });
}

function decodeRequestOp(fields: JsonFields): RequestOp {
  const range = fields.message('request_range');
  if (range !== undefined) return { requestRange: decodeRangeRequest(range).request };
  const put = fields.message('request_put');
  if (put !== undefined) return { requestPut: decodePutRequest(put) };
  const deleteRange = fields.message('request_delete_range');
  if (deleteRange !== undefined) return { requestDeleteRange: decodeDeleteRangeRequest(deleteRange) };
  const txn = fields.message('request_txn');
  if (txn !== undefined) return { requestTxn: decodeTxnRequest(txn) };
  // etcd's checkRequestOp answers an op with no request this way.
  throw badRequest('etcdserver: key not found');
}

export function txnResponseOut(response: TxnResponse | WithHeader<TxnResponse>, nested = false): JsonObject {
  return definedOnly({
    // etcd never fills a nested txn's own header (its sub-responses have theirs): it prints {}.
    header: nested ? {} : headerOut(response.header),
    succeeded: boolOut(response.succeeded),
    responses: listOut(response.responses, responseOpOut),
  });
}

function responseOpOut(op: ResponseOp): JsonObject {
  if ('responseRange' in op) return { response_range: rangeResponseOut(op.responseRange) };
  if ('responsePut' in op) return { response_put: putResponseOut(op.responsePut) };
  if ('responseDeleteRange' in op) return { response_delete_range: deleteRangeResponseOut(op.responseDeleteRange) };
  return { response_txn: txnResponseOut(op.responseTxn, true) };
}
