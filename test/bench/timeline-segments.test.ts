import t from 'tap';
import { band, segmentRequests, p99WithoutGc, slowLeaderWrites, slowWithGc, type TimelineEvent } from '../../bench/timeline-segments.js';

/** One put through follower p1 to leader p2, times in ms after the client sent it at 1000. */
function onePut(s: number, leaderWriteMs = 0.54, gcOnLeader = false): Map<string, TimelineEvent[]> {
  const at = (ms: number): number => s + ms;
  const p1: TimelineEvent[] = [
    [at(0.1), 'http-in', '/v3/kv/put'],
    [at(0.16), 'ready', '0/0/propose>p2'],
    [at(0.33), 'readable', ''],
    [at(0.36), 'ready', '1/0/append-resp>p2'],
    [at(0.37), 'write', ''],
    [at(0.77), 'written', ''],
    [at(1.05), 'ready', '0/1/append-resp>p2'],
    [at(1.2), 'http-out', '/v3/kv/put'],
  ];
  const p2: TimelineEvent[] = [
    [at(0.2), 'readable', ''],
    [at(0.25), 'ready', '1/0/append>p1#1,append>p3#1'],
    [at(0.26), 'write', ''],
    [at(0.26 + leaderWriteMs), 'written', ''],
    [at(0.85), 'readable', ''],
    [at(0.95), 'ready', '0/1/append>p1,append>p3'],
    ...(gcOnLeader ? ([[at(0.3), 'gc', 'minor:0.400']] as TimelineEvent[]) : []),
  ];
  const p3: TimelineEvent[] = [
    [at(0.4), 'ready', '1/0/append-resp>p2'],
    [at(0.41), 'write', ''],
    [at(0.9), 'written', ''],
  ];
  return new Map([['p1', p1], ['p2', p2], ['p3', p3]]);
}

t.test('a put through a follower is cut into the segments of its path', async (t) => {
  const [r] = segmentRequests([{ startMs: 1000, latencyMs: 1.5, origin: 'p1' }], onePut(1000));
  t.ok(r !== undefined, 'traced end to end');
  t.equal(r?.leader, 'p2');
  const expected = { clientToOrigin: 0.1, originToLeader: 0.15, leaderToFollower: 0.11, leaderWrite: 0.54, followerWrite: 0.4, ackFlight: 0.08, commit: 0.7, commitNotice: 0.1, commitToResponse: 0.15, responseToClient: 0.3 };
  for (const [key, value] of Object.entries(expected)) t.ok(Math.abs(r!.segments[key as keyof typeof expected] - value) < 1e-6, `${key} ${r!.segments[key as keyof typeof expected].toFixed(3)}`);
});

t.test('a leader that applies ahead of its own write commits then, not at its next Ready', async (t) => {
  const timelines = onePut(1000, 1.2);
  timelines.get('p2')!.push([1000.88, 'durable-apply', '1']);
  const [r] = segmentRequests([{ startMs: 1000, latencyMs: 1.5, origin: 'p1' }], timelines);
  t.ok(r !== undefined, 'traced end to end');
  t.ok(Math.abs(r!.segments.commit - 0.63) < 1e-6, `commit ${r!.segments.commit.toFixed(3)} ms after the leader's Ready`);
  t.ok(Math.abs(r!.segments.leaderWrite - 1.2) < 1e-6, 'the leader\'s write still counted whole');
});

t.test('a request whose path the timelines do not show is skipped, not guessed', async (t) => {
  const timelines = onePut(1000);
  t.same(segmentRequests([{ startMs: 5000, latencyMs: 1.5, origin: 'p1' }], timelines), [], 'no events in its window');
  t.same(segmentRequests([{ startMs: 1000, latencyMs: 1.5, origin: 'p9' }], timelines), [], 'an unknown origin');
});

t.test('bands average by latency; slow leader writes are counted with the GCs inside them', async (t) => {
  const timelines = new Map<string, TimelineEvent[]>([['p1', []], ['p2', []], ['p3', []]]);
  const requests = [];
  for (let i = 0; i < 10; i++) {
    const s = 1000 + i * 10;
    const slow = i >= 8;
    for (const [id, events] of onePut(s, slow ? 1.5 : 0.5, i === 9)) timelines.get(id)!.push(...events);
    requests.push({ startMs: s, latencyMs: slow ? 3 : 1.5, origin: 'p1' });
  }
  const segments = segmentRequests(requests, timelines);
  t.equal(segments.length, 10);
  const top = band(segments, 'top 20 %', 0.8, 1);
  t.equal(top.count, 2);
  t.equal(top.meanLatencyMs, 3);
  t.ok(Math.abs(top.means.leaderWrite - 1.5) < 1e-6);
  t.same(slowLeaderWrites(segments, timelines, 0.2), { slowest: 2, slowWrite: 2, slowWriteWithGc: 1 });
  t.same(slowWithGc(segments, timelines, 0.2), { slowest: 2, withGc: 1 });
  t.same(slowWithGc(segments, timelines, 1), { slowest: 10, withGc: 1 }, 'only the request the GC fell inside');
});

t.test('the p99 without the puts a GC pause fell inside', async (t) => {
  const timelines = new Map<string, TimelineEvent[]>([['p1', []], ['p2', []], ['p3', []]]);
  const requests = [];
  for (let i = 0; i < 4; i++) {
    const s = 1000 + i * 10;
    for (const [id, events] of onePut(s)) timelines.get(id)!.push(...events);
    requests.push({ startMs: s, latencyMs: [1.5, 1.6, 4, 5][i]!, origin: 'p1' });
  }
  // A long pause on p3 that began before the slowest put and ended inside it, and a short
  // one on p1 inside the second slowest.
  timelines.get('p3')!.push([1028, 'gc', 'major:3.000']);
  timelines.get('p1')!.push([1021, 'gc', 'minor:0.500']);
  const segments = segmentRequests(requests, timelines);
  t.equal(segments.length, 4);
  t.same(p99WithoutGc(segments, timelines), {
    p99Ms: 5,
    p99NoGcMs: 1.6,
    overlapShare: 0.5,
    roles: { leader: 0, origin: 1, otherFollower: 1, meanMs: { leader: 0, origin: 4, otherFollower: 5, none: 1.55 } },
  });
  timelines.get('p2')!.push([1031, 'gc', 'minor:0.200']);
  t.match(p99WithoutGc(segments, timelines).roles, { leader: 1, origin: 1, otherFollower: 0 }, 'a pause on the leader counts first');
  t.same(p99WithoutGc([], timelines), { p99Ms: 0, p99NoGcMs: 0, overlapShare: 0, roles: { leader: 0, origin: 0, otherFollower: 0, meanMs: { leader: 0, origin: 0, otherFollower: 0, none: 0 } } }, 'no puts');
});
