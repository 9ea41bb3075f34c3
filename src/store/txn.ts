import { applyCompare } from './compare.js';
import type { LeaseTable } from './lease-table.js';
import type { MvccState } from './mvcc-state.js';
import { executeRange } from './range.js';
import type { RequestOp, ResponseOp, TxnRequest, TxnResponse } from './requests.js';
import { checkReadRevision } from './revision-checks.js';
import type { ResponseHeader } from './types.js';
import { checkPutAgainstState, executeDeleteRange, executePut, putCostBytes } from './write-ops.js';
import type { WriteTxn } from './write-txn.js';

/**
 * Which branch each txn takes, decided before any op runs (etcd's compareToPath): nested
 * txns compare against the state as it was when the outer txn began, not against the
 * outer txn's earlier writes.
 */
export interface TxnPath {
  readonly succeeded: boolean;
  /** One path per requestTxn in the chosen branch, in op order. */
  readonly nested: readonly TxnPath[];
}

function chosenOps(request: TxnRequest, succeeded: boolean): readonly RequestOp[] {
  return (succeeded ? request.success : request.failure) ?? [];
}

export function compareToPath(state: MvccState, request: TxnRequest, atMain: number): TxnPath {
  const succeeded = (request.compare ?? []).every((compare) => applyCompare(state, compare, atMain));
  const nested: TxnPath[] = [];
  for (const op of chosenOps(request, succeeded)) {
    if ('requestTxn' in op) nested.push(compareToPath(state, op.requestTxn, atMain));
  }
  return { succeeded, nested };
}

/** Visits the ops the path will run, with their own nested paths for requestTxn. */
function forEachOnPath(request: TxnRequest, path: TxnPath, visit: (op: RequestOp) => void): void {
  let nestedIndex = 0;
  for (const op of chosenOps(request, path.succeeded)) {
    if ('requestTxn' in op) {
      forEachOnPath(op.requestTxn, path.nested[nestedIndex++] as TxnPath, visit);
    } else {
      visit(op);
    }
  }
}

/** etcd's checkRequests along the chosen path: reads at valid revisions, puts' keys and leases exist. */
export function checkTxnPath(state: MvccState, leases: LeaseTable, request: TxnRequest, path: TxnPath): void {
  forEachOnPath(request, path, (op) => {
    if ('requestRange' in op) checkReadRevision(state, op.requestRange.revision ?? 0);
    if ('requestPut' in op) checkPutAgainstState(state, leases, op.requestPut);
  });
}

export function txnPutCostBytes(state: MvccState, request: TxnRequest, path: TxnPath): number {
  let bytes = 0;
  forEachOnPath(request, path, (op) => {
    if ('requestPut' in op) bytes += putCostBytes(state, op.requestPut);
  });
  return bytes;
}

export function executeTxn(
  txn: WriteTxn,
  state: MvccState,
  request: TxnRequest,
  path: TxnPath,
  header: ResponseHeader,
): TxnResponse {
  const responses: ResponseOp[] = [];
  let nestedIndex = 0;
  for (const op of chosenOps(request, path.succeeded)) {
    if ('requestRange' in op) {
      const atMain = op.requestRange.revision || txn.readRevision;
      responses.push({ responseRange: executeRange(state, op.requestRange, atMain, header) });
    } else if ('requestPut' in op) {
      responses.push({ responsePut: executePut(txn, state, op.requestPut, header) });
    } else if ('requestDeleteRange' in op) {
      responses.push({ responseDeleteRange: executeDeleteRange(txn, op.requestDeleteRange, header) });
    } else {
      const nestedPath = path.nested[nestedIndex++] as TxnPath;
      responses.push({ responseTxn: executeTxn(txn, state, op.requestTxn, nestedPath, header) });
    }
  }
  return { header, succeeded: path.succeeded, responses };
}
