import { intervalContains, keyInterval, type KeyInterval, type KeyString } from './bytes.js';
import { errDuplicateKey } from './errors.js';
import type { RequestOp, TxnRequest } from './requests.js';

interface LevelWrites {
  readonly puts: Set<KeyString>;
  readonly deletes: KeyInterval[];
}

function deletesCover(deletes: readonly KeyInterval[], key: KeyString): boolean {
  return deletes.some((interval) => intervalContains(interval, key));
}

/**
 * etcd's checkIntervals: within one list of ops (and the txns nested in it), no key may be
 * put twice, nor put and deleted. The success and failure branches of a nested txn are
 * exclusive, so the same key may be put in both. Deletes may overlap each other.
 */
function checkLevel(ops: readonly RequestOp[]): LevelWrites {
  const deletes: KeyInterval[] = [];
  for (const op of ops) {
    if ('requestDeleteRange' in op) deletes.push(keyInterval(op.requestDeleteRange.key, op.requestDeleteRange.rangeEnd));
  }
  const puts = new Set<KeyString>();
  for (const op of ops) {
    if (!('requestTxn' in op)) continue;
    const then = checkLevel(op.requestTxn.success ?? []);
    const otherwise = checkLevel(op.requestTxn.failure ?? []);
    for (const key of then.puts) {
      if (puts.has(key) || deletesCover(deletes, key)) throw errDuplicateKey();
      puts.add(key);
    }
    for (const key of otherwise.puts) {
      if ((puts.has(key) && !then.puts.has(key)) || deletesCover(deletes, key)) throw errDuplicateKey();
      puts.add(key);
    }
    deletes.push(...then.deletes, ...otherwise.deletes);
  }
  for (const op of ops) {
    if (!('requestPut' in op)) continue;
    const key = keyInterval(op.requestPut.key, undefined).low;
    if (puts.has(key) || deletesCover(deletes, key)) throw errDuplicateKey();
    puts.add(key);
  }
  return { puts, deletes };
}

export function checkTxnIntervals(request: TxnRequest): void {
  checkLevel(request.success ?? []);
  checkLevel(request.failure ?? []);
}
