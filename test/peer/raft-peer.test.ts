import t, { type Test } from 'tap';
import { RaftPeer } from '../../src/peer/raft-peer.js';
import type { ReplicatedStateMachine } from '../../src/peer/state-machine.js';
import { MemoryNetwork } from '../../src/transport/index.js';
import { MemoryDisk, MemoryDurableLog, type StorageFaultHooks } from '../../src/storage/index.js';
import { SystemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { RecordingTrace, type TraceEvent } from '../../src/util/event-trace.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Packr } from 'msgpackr';

/** A tiny deterministic state machine: an append-only list of strings. */
class ListMachine implements ReplicatedStateMachine {
  items: string[] = [];
  private readonly packr = new Packr();
  apply(command: unknown): unknown {
    this.items.push(String(command));
    return this.items.length;
  }
  snapshot(): Uint8Array {
    return this.packr.pack(this.items);
  }
  restore(image: Uint8Array): void {
    this.items = image.byteLength === 0 ? [] : (this.packr.unpack(image) as string[]);
  }
  /** Set by a test that watches when the loop does work ahead of the next snapshot. */
  encodeAheadHook: (() => void) | undefined;
  encodeAhead(): void {
    this.encodeAheadHook?.();
  }
}

const ids = ['p1', 'p2', 'p3'];
const members = ids.map((id) => ({ id, peerUrl: `ws://127.0.0.1:1/${id}`, clientUrl: `http://127.0.0.1:1/${id}` }));

async function cluster(options: { snapshotEveryEntries?: number; snapshotEveryBytes?: number; compactionMarginEntries?: number; trace?: RecordingTrace; electionTicks?: number } = {}, faults: Map<string, StorageFaultHooks> = new Map()) {
  const net = new MemoryNetwork();
  const disks = new Map(ids.map((id) => [id, new MemoryDisk()]));
  const machines = new Map<string, ListMachine>();
  const peers = new Map<string, RaftPeer>();
  const transports = new Map<string, ReturnType<MemoryNetwork['createTransport']>>();
  const start = async (id: string) => {
    const machine = new ListMachine();
    machines.set(id, machine);
    const peer = new RaftPeer(
      {
        id,
        initialVoters: ids,
        durableLog: new MemoryDurableLog(disks.get(id), faults.get(id) ?? {}),
        transport: transports.set(id, net.createTransport(id)).get(id)!,
        stateMachine: machine,
        logger: silentLogger(),
        clock: new SystemClock(),
        tickMs: 10,
        electionTicks: 10,
        ...options,
      },
      members,
    );
    await peer.start();
    peers.set(id, peer);
    return peer;
  };
  for (const id of ids) await start(id);
  return { peers, machines, disks, start, net, transports };
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A started cluster with a leader, stopped with the test. The peers' tick timers are
 * unref'd and memory links hold no sockets, so an interval keeps the process alive.
 */
async function running(
  t: Test,
  options: Parameters<typeof cluster>[0] = {},
  faults: Map<string, StorageFaultHooks> = new Map(),
  beforeStop: () => void = () => undefined,
): Promise<{ c: Awaited<ReturnType<typeof cluster>>; leader: RaftPeer }> {
  const c = await cluster(options, faults);
  const keepAlive = setInterval(() => undefined, 1000);
  t.teardown(async () => {
    clearInterval(keepAlive);
    beforeStop();
    for (const p of c.peers.values()) await p.stop();
  });
  await waitFor(() => [...c.peers.values()].some((p) => p.status().role === 'leader'));
  const leader = [...c.peers.values()].find((p) => p.status().role === 'leader')!;
  return { c, leader };
}

/** What a client does: retry a write whose outcome the peer could not know (leader changed). */
async function write(peer: RaftPeer, value: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await peer.propose(value);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'PEER_LEADER_CHANGED') throw error;
    }
  }
  throw new Error(`write ${value} kept failing`);
}

t.test('peers elect a leader, replicate proposals and serve read barriers', async (t) => {
  const { c } = await running(t);
  const results = await Promise.all(['a', 'b', 'c', 'd'].map((v, i) => c.peers.get(ids[i % 3]!)!.propose(v)));
  t.same([...results].sort(), [1, 2, 3, 4], 'each proposal got its own result');
  await c.peers.get('p3')!.readBarrier();
  t.equal(c.machines.get('p3')!.items.length, 4, 'a read barrier on a follower sees every acknowledged write');
});

t.test('a follower holds proposals and reads while its link to a dead leader is down; the new leader gets them', async (t) => {
  const { c, leader } = await running(t);
  const follower = [...c.peers.values()].find((p) => p !== leader)!;
  await write(follower, 'before');
  await leader.stop(); // its links close at once, as a killed process's sockets do
  const transport = c.transports.get(follower.id)!;
  const toDeadLeader: string[] = [];
  const send = transport.send.bind(transport);
  transport.send = (messages) => {
    for (const m of messages) if (m.to === leader.id) toDeadLeader.push(m.type);
    send(messages);
  };
  t.equal(transport.linkOpen(leader.id), false, 'the follower sees its link to the old leader down');
  t.equal(follower.status().leader, leader.id, 'and has not yet noticed that the leader is gone');
  const proposals = Promise.all(['held-1', 'held-2'].map((v) => follower.propose(v)));
  const read = follower.readBarrier();
  const results = await proposals;
  t.equal(results.length, 2, 'both proposals succeed instead of failing with "leader changed"');
  t.not(follower.status().leader, leader.id, 'under a new leader');
  t.same([...c.machines.get(follower.id)!.items].sort(), ['before', 'held-1', 'held-2'], 'each applied once');
  await read;
  t.pass('the read barrier issued meanwhile completes under the new leader');
  t.same(toDeadLeader.filter((type) => type === 'propose' || type === 'read-index'), [], 'no proposal or read request went to the dead leader');
});

t.test('a restarted peer recovers its log from disk; a new one catches up by snapshot', async (t) => {
  const { c } = await running(t, { snapshotEveryEntries: 20, compactionMarginEntries: 5 });
  for (let i = 0; i < 50; i++) await write(c.peers.get('p1')!, `v${i}`);
  await c.peers.get('p3')!.stop();
  c.disks.set('p3', new MemoryDisk()); // p3 loses its disk entirely
  for (let i = 50; i < 60; i++) await write(c.peers.get('p1')!, `v${i}`);
  const p3 = await c.start('p3');
  await waitFor(() => c.machines.get('p3')!.items.length === c.machines.get('p1')!.items.length);
  t.same(c.machines.get('p3')!.items, c.machines.get('p1')!.items, 'p3 rebuilt the same state');
  t.ok(p3.status().snapshotIndex >= 40, 'p3 was caught up by a snapshot, not from the log');
  // p2 restarts from its own disk
  await c.peers.get('p2')!.stop();
  await c.start('p2');
  await c.peers.get('p2')!.readBarrier();
  t.same(c.machines.get('p2')!.items, c.machines.get('p1')!.items);
});

t.test('committed entries are applied while the peer\'s own synced write is in flight', async (t) => {
  // One follower's disk holds every write until the test lets one through.
  const held: (() => void)[] = [];
  let slow = '';
  const gate = (id: string): StorageFaultHooks => ({
    beforeWrite: (operation) => {
      if (id !== slow || operation !== 'save') return;
      return new Promise<void>((resolve) => held.push(resolve));
    },
  });
  const { c, leader } = await running(t, {}, new Map(ids.map((id) => [id, gate(id)])), () => {
    slow = '';
    for (const release of held.splice(0)) release();
  });
  const followerId = ids.find((id) => c.peers.get(id) !== leader)!;
  const machine = c.machines.get(followerId)!;
  const others = ids.filter((id) => id !== followerId).map((id) => c.machines.get(id)!);
  await write(leader, 'warm-up');
  await waitFor(() => machine.items.length === 1);

  slow = followerId;
  await leader.propose('a'); // committed by the leader and the other follower
  await waitFor(() => held.length === 1); // the slow follower is stuck writing 'a'
  await leader.propose('b'); // committed without the slow follower too
  held.shift()!(); // 'a' reaches its disk; it then learns 'b' and that both are committed
  await waitFor(() => machine.items.length === 3, 2000);
  t.same(machine.items, ['warm-up', 'a', 'b'], 'the slow follower applied both committed entries');
  t.equal(held.length, 1, 'while its own write of b was still held');
});

t.test('a leader whose own write is slow answers once both followers hold the entry (thesis §10.2.1)', async (t) => {
  // Chosen disks hold every write until the test lets one through.
  const held = new Map<string, (() => void)[]>(ids.map((id) => [id, []]));
  const slow = new Set<string>();
  const gate = (id: string): StorageFaultHooks => ({
    beforeWrite: (operation) => {
      if (!slow.has(id) || operation !== 'save') return;
      return new Promise<void>((resolve) => held.get(id)!.push(resolve));
    },
  });
  const releaseAll = (): void => {
    slow.clear();
    for (const list of held.values()) for (const release of list.splice(0)) release();
  };
  // Elections wait 1-2 s: the leader's held write stops its loop, heartbeats included.
  const { c, leader } = await running(t, { electionTicks: 100 }, new Map(ids.map((id) => [id, gate(id)])), releaseAll);
  const leaderId = ids.find((id) => c.peers.get(id) === leader)!;
  const [f1, f2] = ids.filter((id) => id !== leaderId) as [string, string];
  await write(leader, 'warm-up');
  await waitFor(() => [...c.machines.values()].every((m) => m.items.length === 1));

  // The leader's disk and one follower's are slow: one follower alone is not a quorum of
  // disks, so the write must not be answered yet.
  slow.add(leaderId);
  slow.add(f1);
  let answered = false;
  const x = leader.propose('x').then(() => (answered = true));
  x.catch(() => undefined); // awaited below; if an assertion fails first, the teardown rejects it
  await waitFor(() => held.get(leaderId)!.length === 1 && held.get(f1)!.length === 1);
  await new Promise((resolve) => setTimeout(resolve, 150)); // time enough to answer, were it allowed
  t.equal(answered, false, 'not answered on the leader\'s unwritten copy and one follower\'s');
  t.same(c.machines.get(leaderId)!.items, ['warm-up'], 'nor applied');

  // The second follower's write lands: both followers hold x, a quorum without the leader.
  slow.delete(f1);
  held.get(f1)!.shift()!();
  await waitFor(() => answered, 2000);
  t.equal(held.get(leaderId)!.length, 1, 'answered while the leader\'s own write is still held');
  t.same(c.machines.get(leaderId)!.items, ['warm-up', 'x']);

  // The leader's write lands; the cluster goes on, and x is applied once everywhere.
  slow.delete(leaderId);
  held.get(leaderId)!.shift()!();
  await x;
  await write(leader, 'y');
  await waitFor(() => [...c.machines.values()].every((m) => m.items.length === 3));
  for (const id of ids) t.same(c.machines.get(id)!.items, ['warm-up', 'x', 'y'], `${id} applied each entry once, in order`);
});

t.test('work ahead of the next snapshot waits until the turn\'s messages have left', async (t) => {
  const { c, leader } = await running(t);
  await write(leader, 'warm-up');
  const queued: number[] = [];
  for (const id of ids) {
    const transport = c.transports.get(id)!;
    c.machines.get(id)!.encodeAheadHook = () => {
      const { peers } = transport.stats();
      queued.push(Object.values(peers).reduce((sum, peer) => sum + peer.queueLength, 0));
    };
  }
  for (let i = 0; i < 20; i++) await leader.propose(`v${i}`);
  t.ok(queued.length >= 20, `the loop worked ahead on its turns (${queued.length} times)`);
  t.same(queued.filter((n) => n > 0), [], 'never with messages of the turn still queued');
});

t.test('a traced peer marks its loop: readable, turn, the Ready, and its synced write', async (t) => {
  const trace = new RecordingTrace();
  const { leader } = await running(t, { trace });
  await write(leader, 'traced');
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'peers.json');
  await trace.writeTo(file);
  const { events } = JSON.parse(readFileSync(file, 'utf8')) as { events: TraceEvent[] };
  const codes = new Set(events.map((e) => e[1]));
  for (const code of ['readable', 'turn', 'ready', 'write', 'written', 'role']) t.ok(codes.has(code), `marks ${code}`);
  t.ok(events.some((e) => e[1] === 'role' && /^leader:p\d$/.test(e[2])), 'the election, as role:leader');
  t.ok(events.some((e) => e[1] === 'ready' && /^1\/0\/.*append>p\d#1/.test(e[2])), 'a leader Ready appending the entry, with its messages');
  const firstWrite = events.findIndex((e) => e[1] === 'write');
  t.ok(firstWrite >= 0 && events.slice(firstWrite).some((e) => e[1] === 'written'), 'a write is followed by its end');
});

t.test('an idle cluster does not write to disk on heartbeats: a commit index alone is not synced', async (t) => {
  const saves = new Map(ids.map((id) => [id, 0]));
  const counting = (id: string): StorageFaultHooks => ({ beforeWrite: () => void saves.set(id, saves.get(id)! + 1) });
  const { c, leader } = await running(t, {}, new Map(ids.map((id) => [id, counting(id)])));
  await write(leader, 'warm-up');
  await waitFor(() => [...c.machines.values()].every((m) => m.items.length === 1));
  await new Promise((r) => setTimeout(r, 100));
  const before = new Map(saves);
  await write(leader, 'x');
  await waitFor(() => [...c.machines.values()].every((m) => m.items.length === 2));
  await new Promise((r) => setTimeout(r, 300)); // 30 heartbeat rounds
  for (const id of ids) t.equal(saves.get(id)! - before.get(id)!, 1, `${id}: one synced write for one entry, none for its commit or the heartbeats`);
});

t.test('a peer snapshots once the entries since its last snapshot hold snapshotEveryBytes, before snapshotEveryEntries', async (t) => {
  const { leader } = await running(t, { snapshotEveryEntries: 1_000_000, snapshotEveryBytes: 4_000, compactionMarginEntries: 1 });
  const initial = leader.status().snapshotIndex;
  for (let i = 0; i < 10; i++) await write(leader, `${'x'.repeat(200)}${i}`); // about 2,100 bytes
  await new Promise((r) => setTimeout(r, 50));
  t.equal(leader.status().snapshotIndex, initial, 'no snapshot below the byte threshold (and its stagger, at most a fifth more)');
  for (let i = 10; i < 30; i++) await write(leader, `${'x'.repeat(200)}${i}`); // about 6,300 bytes in all
  await waitFor(() => leader.status().snapshotIndex > initial + 10);
  t.pass('a snapshot once the entries hold the threshold, long before a million of them');
});

t.test('the members snapshot at thresholds spread evenly apart, not at one index', async (t) => {
  // 4,000 bytes plus 0, 266 and 533 for p1, p2, p3: about 6 entries of 40 bytes apart.
  // (A hash of the id alone had put them 19 bytes apart at this threshold.)
  const { c, leader } = await running(t, { snapshotEveryEntries: 1_000_000, snapshotEveryBytes: 4_000, compactionMarginEntries: 1 });
  const initial = new Map(ids.map((id) => [id, c.peers.get(id)!.status().snapshotIndex]));
  for (let i = 0; i < 140; i++) await write(leader, `${'x'.repeat(10)}${i}`);
  await waitFor(() => ids.every((id) => c.peers.get(id)!.status().snapshotIndex > initial.get(id)!));
  const taken = ids.map((id) => c.peers.get(id)!.status().snapshotIndex).sort((a, b) => a - b);
  t.ok(taken[1]! - taken[0]! >= 3 && taken[2]! - taken[1]! >= 3, `snapshot indexes ${taken.join(', ')} at least 3 entries apart`);
});

t.test('a peer snapshots again only once the log since its last snapshot is as large as the image', async (t) => {
  const { leader } = await running(t, { snapshotEveryEntries: 5, compactionMarginEntries: 1 });
  const big = 'x'.repeat(20_000);
  await write(leader, big);
  for (let i = 0; i < 8; i++) await write(leader, `small${i}`);
  await waitFor(() => leader.status().snapshotIndex > 0);
  const first = leader.status().snapshotIndex;
  for (let i = 0; i < 30; i++) await write(leader, `more${i}`); // far more than 5 entries, far fewer bytes than the image
  await new Promise((r) => setTimeout(r, 50));
  t.equal(leader.status().snapshotIndex, first, 'no new snapshot: the log since the last one is smaller than its image');
  await write(leader, big);
  await write(leader, 'after');
  await waitFor(() => leader.status().snapshotIndex > first);
  t.pass('a snapshot follows once the log has grown as large as the image');
});
