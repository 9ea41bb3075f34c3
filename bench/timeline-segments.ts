/**
 * Where each put of a one-client run spent its time, from the peers' timelines
 * (RAFTPLANE_TRACE_DIR) and the client's own record of each request. With one client
 * every request is alone in the cluster, so the events in its window are its own (or
 * the tail of the one before): the first leader Ready that appends one entry after the
 * request arrived is its entry, and so on down the path.
 */

/** [time ms since the epoch, code, detail], as RecordingTrace writes them. */
export type TimelineEvent = readonly [number, string, string];

export interface Request {
  readonly startMs: number;
  readonly latencyMs: number;
  /** The peer the client sent it to. */
  readonly origin: string;
}

export const SEGMENTS = [
  ['clientToOrigin', 'client → origin'],
  ['originToLeader', 'origin → leader Ready'],
  ['leaderToFollower', 'leader → first follower turn'],
  ['leaderWrite', "leader's write"],
  ['followerWrite', "first follower's write"],
  ['ackFlight', 'ack flight'],
  ['commit', 'leader Ready → commit'],
  ['commitNotice', 'commit notice'],
  ['commitToResponse', 'commit → response'],
  ['responseToClient', 'response → client'],
] as const;

export type SegmentName = (typeof SEGMENTS)[number][0];

export interface RequestSegments {
  readonly startMs: number;
  readonly latencyMs: number;
  readonly origin: string;
  readonly leader: string;
  readonly leaderWriteStart: number;
  readonly leaderWriteEnd: number;
  readonly segments: Readonly<Record<SegmentName, number>>;
}

class PeerTimeline {
  private readonly times: number[];

  constructor(private readonly events: readonly TimelineEvent[]) {
    this.times = events.map((e) => e[0]);
  }

  /** Time of the first event in [from, until) that matches, if any. */
  first(from: number, until: number, match: (code: string, detail: string) => boolean): number | undefined {
    for (let i = lowerBound(this.times, from); i < this.events.length; i++) {
      const [time, code, detail] = this.events[i]!;
      if (time >= until) return undefined;
      if (match(code, detail)) return time;
    }
    return undefined;
  }
}

/** [start, end] of each GC pause in a timeline (detail `kind:durationMs`). */
function gcWindows(events: readonly TimelineEvent[]): Array<[number, number]> {
  return events.filter((e) => e[1] === 'gc').map((e) => [e[0], e[0] + Number(e[2].split(':')[1])]);
}

/** The requests between two latency quantiles (from inclusive, to exclusive; 1 = the slowest included). */
function byLatency(all: readonly RequestSegments[], fromQ: number, toQ = 1): RequestSegments[] {
  const sorted = [...all].sort((a, b) => a.latencyMs - b.latencyMs);
  return sorted.slice(Math.floor(fromQ * sorted.length), toQ >= 1 ? sorted.length : Math.floor(toQ * sorted.length));
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `entries/committed/messages` (RaftPeer's describeReady). */
function readyParts(detail: string): { entries: number; committed: number; messages: string } {
  const [entries, committed, ...rest] = detail.split('/');
  return { entries: Number(entries), committed: Number(committed), messages: rest.join('/') };
}

const isLeaderAppend = (code: string, detail: string): boolean => {
  if (code !== 'ready') return false;
  const r = readyParts(detail);
  return r.entries > 0 && r.messages.includes('append>');
};
const isFollowerAppend = (code: string, detail: string): boolean => code === 'ready' && readyParts(detail).entries > 0;
/** A Ready that applies committed entries, or a leader applying them ahead of its own write (RaftPeer.applyDurable). */
const isCommit = (code: string, detail: string): boolean => (code === 'ready' && readyParts(detail).committed > 0) || code === 'durable-apply';

/** Segments of every request whose whole path the timelines show (others are skipped). */
export function segmentRequests(requests: readonly Request[], timelines: ReadonlyMap<string, readonly TimelineEvent[]>): RequestSegments[] {
  const peers = new Map([...timelines].map(([id, events]) => [id, new PeerTimeline([...events].sort((a, b) => a[0] - b[0]))]));
  const out: RequestSegments[] = [];
  for (const request of requests) {
    const s = request.startMs;
    const e = s + request.latencyMs;
    const origin = peers.get(request.origin);
    if (origin === undefined) continue;
    const httpIn = origin.first(s - 0.05, e, (code, detail) => code === 'http-in' && detail === '/v3/kv/put');
    if (httpIn === undefined) continue;
    let leader: string | undefined;
    let leaderReady = Infinity;
    for (const [id, timeline] of peers) {
      const t = timeline.first(httpIn, e, isLeaderAppend);
      if (t !== undefined && t < leaderReady) [leader, leaderReady] = [id, t];
    }
    if (leader === undefined) continue;
    const lead = peers.get(leader)!;
    const leaderWriteStart = lead.first(leaderReady, e, (code) => code === 'write');
    const leaderWriteEnd = leaderWriteStart === undefined ? undefined : lead.first(leaderWriteStart, e + 1, (code) => code === 'written');
    const commit = lead.first(leaderReady + 0.0005, e, isCommit);
    if (leaderWriteStart === undefined || leaderWriteEnd === undefined || commit === undefined) continue;
    let followerTurn = Infinity;
    let followerWrite = Infinity;
    let followerWritten = Infinity;
    for (const [id, timeline] of peers) {
      if (id === leader) continue;
      const turn = timeline.first(leaderReady, e, isFollowerAppend);
      if (turn === undefined) continue;
      followerTurn = Math.min(followerTurn, turn);
      const write = timeline.first(turn, e, (code) => code === 'write');
      const written = write === undefined ? undefined : timeline.first(write, e + 1, (code) => code === 'written');
      if (write !== undefined && written !== undefined && written < followerWritten) [followerWrite, followerWritten] = [write, written];
    }
    if (followerWritten === Infinity) continue;
    const ackArrived = lead.first(followerWritten, e + 1, (code) => code === 'readable') ?? followerWritten;
    const originCommit = request.origin === leader ? commit : origin.first(commit, e + 0.1, isCommit);
    if (originCommit === undefined) continue;
    const httpOut = origin.first(originCommit, e + 0.3, (code) => code === 'http-out');
    if (httpOut === undefined) continue;
    out.push({
      startMs: s,
      latencyMs: request.latencyMs,
      origin: request.origin,
      leader,
      leaderWriteStart,
      leaderWriteEnd,
      segments: {
        clientToOrigin: httpIn - s,
        originToLeader: leaderReady - httpIn,
        leaderToFollower: followerTurn - leaderReady,
        leaderWrite: leaderWriteEnd - leaderWriteStart,
        followerWrite: followerWritten - followerWrite,
        ackFlight: ackArrived - followerWritten,
        commit: commit - leaderReady,
        commitNotice: originCommit - commit,
        commitToResponse: httpOut - originCommit,
        responseToClient: e - httpOut,
      },
    });
  }
  return out;
}

export interface Band {
  readonly name: string;
  readonly count: number;
  readonly meanLatencyMs: number;
  readonly means: Readonly<Record<SegmentName, number>>;
}

/** Mean segments of the requests between two latency quantiles (from inclusive, to exclusive; 1 = the slowest included). */
export function band(all: readonly RequestSegments[], name: string, fromQ: number, toQ: number): Band {
  const picked = byLatency(all, fromQ, toQ);
  const mean = (f: (r: RequestSegments) => number): number => (picked.length === 0 ? Number.NaN : picked.reduce((sum, r) => sum + f(r), 0) / picked.length);
  const means = Object.fromEntries(SEGMENTS.map(([key]) => [key, mean((r) => r.segments[key])])) as Record<SegmentName, number>;
  return { name, count: picked.length, meanLatencyMs: mean((r) => r.latencyMs), means };
}

/** How many of the slowest `share` of requests overlapped a GC pause on any peer. */
export function slowWithGc(all: readonly RequestSegments[], timelines: ReadonlyMap<string, readonly TimelineEvent[]>, share: number): { slowest: number; withGc: number } {
  const slowest = byLatency(all, 1 - share);
  const gcs = [...timelines.values()].flatMap(gcWindows);
  const withGc = slowest.filter((r) => gcs.some(([a, b]) => a < r.startMs + r.latencyMs && b > r.startMs)).length;
  return { slowest: slowest.length, withGc };
}

/** Where the pauses that overlapped requests were: on the leader, else on the origin (a follower), else only on another follower. */
export interface GcOverlapRoles {
  readonly leader: number;
  readonly origin: number;
  readonly otherFollower: number;
  /** Mean latency of the requests in each group, ms (0 for an empty group). */
  readonly meanMs: { readonly leader: number; readonly origin: number; readonly otherFollower: number; readonly none: number };
}

/**
 * The p99 of all requests and of those that overlapped no GC pause on any peer, with the
 * share that did and whose pauses they were: how far the tail would come down if the
 * collector never paused, and which peer's collector matters. A follower's pause holds
 * up a put only when that follower is its origin or the other follower is slow too (the
 * leader needs one acknowledgement), so `otherFollower` counts the cheap ones.
 */
export function p99WithoutGc(all: readonly RequestSegments[], timelines: ReadonlyMap<string, readonly TimelineEvent[]>): { p99Ms: number; p99NoGcMs: number; overlapShare: number; roles: GcOverlapRoles } {
  const windows = new Map([...timelines].map(([id, events]) => {
    const gcs = gcWindows(events).sort((a, b) => a[0] - b[0]);
    return [id, { gcs, starts: gcs.map(([a]) => a), longest: gcs.reduce((m, [a, b]) => Math.max(m, b - a), 0) }] as const;
  }));
  const overlapsOn = (id: string, r: RequestSegments): boolean => {
    const w = windows.get(id);
    if (w === undefined) return false;
    const end = r.startMs + r.latencyMs;
    // Pauses that start before the request ends and no earlier than the longest pause before it.
    for (let i = lowerBound(w.starts, r.startMs - w.longest); i < w.gcs.length && w.gcs[i]![0] < end; i++) if (w.gcs[i]![1] > r.startMs) return true;
    return false;
  };
  const p99 = (xs: readonly number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0;
  };
  const groups = { leader: [] as number[], origin: [] as number[], otherFollower: [] as number[] };
  const clean: RequestSegments[] = [];
  for (const r of all) {
    if (overlapsOn(r.leader, r)) groups.leader.push(r.latencyMs);
    else if (r.origin !== r.leader && overlapsOn(r.origin, r)) groups.origin.push(r.latencyMs);
    else if ([...windows.keys()].some((id) => id !== r.leader && id !== r.origin && overlapsOn(id, r))) groups.otherFollower.push(r.latencyMs);
    else clean.push(r);
  }
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((sum, x) => sum + x, 0) / xs.length);
  const cleanMs = clean.map((r) => r.latencyMs);
  const roles: GcOverlapRoles = {
    leader: groups.leader.length,
    origin: groups.origin.length,
    otherFollower: groups.otherFollower.length,
    meanMs: { leader: mean(groups.leader), origin: mean(groups.origin), otherFollower: mean(groups.otherFollower), none: mean(cleanMs) },
  };
  return { p99Ms: p99(all.map((r) => r.latencyMs)), p99NoGcMs: p99(cleanMs), overlapShare: all.length === 0 ? 0 : 1 - clean.length / all.length, roles };
}

/** Among the slowest `share` of requests: how many had a slow leader write, and whether a GC on the leader fell inside it. */
export function slowLeaderWrites(all: readonly RequestSegments[], timelines: ReadonlyMap<string, readonly TimelineEvent[]>, share: number): { slowest: number; slowWrite: number; slowWriteWithGc: number } {
  const medianWrite = [...all].map((r) => r.segments.leaderWrite).sort((a, b) => a - b)[Math.floor(all.length / 2)] ?? 0;
  const slowest = byLatency(all, 1 - share);
  const gcs = new Map([...timelines].map(([id, events]) => [id, gcWindows(events)]));
  let slowWrite = 0;
  let slowWriteWithGc = 0;
  for (const r of slowest) {
    if (r.segments.leaderWrite < medianWrite + 0.5) continue;
    slowWrite++;
    if ((gcs.get(r.leader) ?? []).some(([a, b]) => a < r.leaderWriteEnd && b > r.leaderWriteStart)) slowWriteWithGc++;
  }
  return { slowest: slowest.length, slowWrite, slowWriteWithGc };
}
