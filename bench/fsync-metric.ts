/**
 * Each system's own fsync histogram, read from its members' /metrics: etcd's
 * etcd_disk_wal_fsync_duration_seconds times the fdatasync of its WAL; raftplane's
 * raftplane_disk_fsync_duration_seconds times a whole synced LevelDB batch as the peer
 * sees it (write, fdatasync and the hand-off to and from the thread pool). Not the same
 * span, so a lower bound on the gap rather than a like-for-like figure.
 */
export interface FsyncTotals {
  readonly seconds: number;
  readonly count: number;
}

const METRICS = ['etcd_disk_wal_fsync_duration_seconds', 'raftplane_disk_fsync_duration_seconds'];

export async function readFsyncTotals(endpoints: readonly string[]): Promise<FsyncTotals> {
  let seconds = 0;
  let count = 0;
  for (const endpoint of endpoints) {
    const text = await (await fetch(`${endpoint}/metrics`)).text();
    for (const line of text.split('\n')) {
      const [name, value] = line.split(' ');
      if (name === undefined || value === undefined) continue;
      const base = name.replace(/\{.*\}$/, '');
      if (!METRICS.some((metric) => base === `${metric}_sum` || base === `${metric}_count`)) continue;
      if (base.endsWith('_sum')) seconds += Number(value);
      else count += Number(value);
    }
  }
  return { seconds, count };
}

/** Mean milliseconds per fsync between two readings; NaN when there was none. */
export function meanFsyncMs(before: FsyncTotals, after: FsyncTotals): number {
  const count = after.count - before.count;
  return count > 0 ? ((after.seconds - before.seconds) / count) * 1000 : Number.NaN;
}
