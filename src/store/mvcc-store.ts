import { assert } from '../util/assert.js';
import type { KeyString } from './bytes.js';
import { repackBuffers } from './buffer-repack.js';
import { errCompacted, errFutureRevision, errNoSpace } from './errors.js';
import type { LeaseTable } from './lease-table.js';
import { MvccState } from './mvcc-state.js';
import type { StoreOptions } from './options.js';
import { executeRange } from './range.js';
import {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkRangeRequest,
  checkTxnRequest,
} from './request-checks.js';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from './requests.js';
import { checkReadRevision } from './revision-checks.js';
import { checkTxnIntervals } from './txn-intervals.js';
import { checkTxnPath, compareToPath, executeTxn, txnPutCostBytes } from './txn.js';
import { checkPutAgainstState, executeDeleteRange, executePut, putCostBytes } from './write-ops.js';
import { WriteTxn, type Commit } from './write-txn.js';

/** Told of every committed revision and every compaction, in order (the watch hub). */
export interface StoreObserver {
  onCommit(commit: Commit): void;
  onCompact(compactRevision: number): void;
  onRestore(): void;
}

interface MutableHeader {
  revision: number;
}

/**
 * The multi-version key-value store (etcd's mvcc store plus the request semantics of its
 * apply layer). Every public write checks the whole request first and only then writes,
 * so a failing request changes nothing and fails identically on every peer.
 */
export class MvccStore {
  private stateValue = new MvccState();
  private readonly observers: StoreObserver[] = [];

  constructor(
    private readonly options: StoreOptions,
    private readonly leases: LeaseTable,
  ) {}

  get state(): MvccState {
    return this.stateValue;
  }

  get revision(): number {
    return this.stateValue.currentRevision;
  }

  get compactRevision(): number {
    return this.stateValue.compactRevision;
  }

  observe(observer: StoreObserver): void {
    this.observers.push(observer);
  }

  range(request: RangeRequest): RangeResponse {
    checkRangeRequest(request, this.options);
    const atMain = checkReadRevision(this.state, request.revision ?? 0);
    return executeRange(this.state, request, atMain, { revision: this.revision });
  }

  put(request: PutRequest): PutResponse {
    checkPutRequest(request, this.options);
    checkPutAgainstState(this.state, this.leases, request);
    this.checkQuota(putCostBytes(this.state, request));
    return this.write((txn, header) => executePut(txn, this.state, request, header));
  }

  deleteRange(request: DeleteRangeRequest): DeleteRangeResponse {
    checkDeleteRangeRequest(request, this.options);
    return this.write((txn, header) => executeDeleteRange(txn, request, header));
  }

  txn(request: TxnRequest): TxnResponse {
    checkTxnRequest(request, this.options);
    checkTxnIntervals(request);
    const path = compareToPath(this.state, request, this.revision);
    checkTxnPath(this.state, this.leases, request, path);
    this.checkQuota(txnPutCostBytes(this.state, request, path));
    return this.write((txn, header) => executeTxn(txn, this.state, request, path, header));
  }

  /** Forgets history older than `revision`, keeping what a read at `revision` sees. */
  compact(request: CompactionRequest): CompactionResponse {
    const { revision } = request;
    if (revision <= this.compactRevision) throw errCompacted(this.compactRevision, revision);
    if (revision > this.revision) throw errFutureRevision(this.revision, revision);
    for (const dropped of this.state.index.compact(revision)) this.state.history.remove(dropped);
    this.state.compactRevision = revision;
    repackBuffers(this.state.history.ordered(), this.state.values);
    for (const observer of this.observers) observer.onCompact(revision);
    return { header: { revision: this.revision } };
  }

  /** Deletes the given existing keys in one revision (lease revocation); returns how many. */
  deleteKeys(keys: readonly KeyString[]): number {
    return this.write((txn) => {
      for (const key of keys) txn.deleteKey(key);
      return keys.length;
    });
  }

  /** Replaces the whole state (snapshot install); observers re-synchronise from it. */
  replaceState(state: MvccState): void {
    this.stateValue = state;
    for (const observer of this.observers) observer.onRestore();
  }

  private checkQuota(costBytes: number): void {
    if (costBytes === 0) return;
    const historyBytes = this.state.history.bytes;
    if (historyBytes + costBytes > this.options.historyBytesMax) {
      throw errNoSpace(historyBytes, this.options.historyBytesMax);
    }
  }

  private write<Response>(body: (txn: WriteTxn, header: MutableHeader) => Response): Response {
    const header: MutableHeader = { revision: 0 };
    const txn = new WriteTxn(this.state, this.leases);
    const response = body(txn, header);
    const commit = txn.end();
    header.revision = this.revision;
    assert(commit === undefined || commit.revision === this.revision, 'commit revision mismatch');
    if (commit !== undefined) for (const observer of this.observers) observer.onCommit(commit);
    return response;
  }
}
