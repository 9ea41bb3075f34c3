import t from 'tap';
import { createApiMetrics } from '../../src/apiserver/metrics.js';
import type { MemberStatus } from '../../src/peer/kv-store.js';

const status = { status: () => ({ leader: '0', raftTerm: 1, commitIndex: 0, raftAppliedIndex: 0 }) as unknown as MemberStatus };

t.test('process metrics come only when asked for, with GC pauses in fine buckets', async (t) => {
  const plain = await createApiMetrics({ store: status }).registry.metrics();
  t.notMatch(plain, /process_resident_memory_bytes|nodejs_gc_duration_seconds/, 'not by default: tests run several peers in one process');
  const metrics = createApiMetrics({ store: status, processMetrics: true });
  // Enough short-lived garbage for a few scavenges, which the GC observer then reports.
  let kept = 0;
  for (let i = 0; i < 200_000; i++) kept += new Array(16).fill(i).length;
  t.equal(kept, 3_200_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const text = await metrics.registry.metrics();
  t.match(text, /process_resident_memory_bytes [1-9]/);
  t.match(text, /nodejs_eventloop_lag_p99_seconds/);
  t.match(text, /nodejs_gc_duration_seconds_bucket\{le="0\.0005",kind="minor"\} \d+/, 'pauses counted from half a millisecond');
  t.match(text, /nodejs_gc_duration_seconds_count\{kind="minor"\} [1-9]/, 'the scavenges above were seen');
});
