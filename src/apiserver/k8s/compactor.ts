import type { KvStore } from '../../peer/kv-store.js';
import type { Logger } from '../../util/logger.js';

/** The key kube-apiserver's compactors coordinate on; etcdctl users will recognise it. */
export const COMPACT_REV_KEY = new TextEncoder().encode('compact_rev_key');
/** kube-apiserver's default --etcd-compaction-interval. */
export const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60_000;

/** What one round learned: the version of the coordination key and the revision then current. */
export interface CompactionRound {
  readonly time: number;
  readonly revision: number;
  /** The revision this round compacted to, if it was the round that compacted. */
  readonly compacted?: number;
}

/**
 * One round of kube-apiserver's storage compaction (k8s.io/apiserver, storage/etcd3/compact.go).
 * Every API server runs the same loop; the one whose compare-and-swap on compact_rev_key
 * succeeds compacts the store to the revision it saw one round earlier, so history
 * always reaches back at least one interval, and only one server compacts per interval.
 * `time` is the key's version as last seen, `revision` the revision seen then.
 */
export async function compactRound(store: KvStore, time: number, revision: number): Promise<CompactionRound> {
  const resp = await store.txn({
    compare: [{ result: 'EQUAL', target: 'VERSION', key: COMPACT_REV_KEY, version: time }],
    success: [{ requestPut: { key: COMPACT_REV_KEY, value: new TextEncoder().encode(String(revision)) } }],
    failure: [{ requestRange: { key: COMPACT_REV_KEY } }],
  });
  const current = resp.header.revision;
  if (!resp.succeeded) {
    // Another server took this round: adopt its clock and start over from now.
    const first = resp.responses[0];
    const seen = first !== undefined && 'responseRange' in first ? (first.responseRange.kvs[0]?.version ?? 0) : 0;
    return { time: seen, revision: current };
  }
  // No compaction on the very first round: there is no revision from one interval ago.
  if (revision === 0) return { time: time + 1, revision: current };
  await store.compact({ revision });
  return { time: time + 1, revision: current, compacted: revision };
}

/**
 * Runs compactRound every interval on this peer's API server, as every kube-apiserver
 * does. Without it the MVCC history, and with it every peer's memory and snapshot, would
 * grow with every write for as long as the cluster runs.
 */
export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  private time = 0;
  private revision = 0;

  constructor(
    private readonly store: KvStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer !== undefined) return;
    const tick = (): void => {
      void this.round().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.intervalMs).unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async round(): Promise<void> {
    try {
      const next = await compactRound(this.store, this.time, this.revision);
      this.time = next.time;
      this.revision = next.revision;
      if (next.compacted !== undefined) this.logger.info({ revision: next.compacted }, 'compacted the store history');
    } catch (error) {
      // As kube-apiserver: log and try again next interval (no leader, already compacted, ...).
      this.logger.warn({ err: error }, 'store compaction failed; retrying next interval');
    }
  }
}
