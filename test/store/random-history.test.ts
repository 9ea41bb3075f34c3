import t, { type Test } from 'tap';
import { SeededRng, type Rng } from '../../src/util/rng.js';
import type { StoreOp } from '../../src/store/ops.js';
import type { WatchResponse } from '../../src/store/requests.js';
import type { StoreStateMachine } from '../../src/store/state-machine.js';
import type { Commit } from '../../src/store/write-txn.js';
import { b, newStore, s } from './fixtures/helpers.js';

const KEYS = ['a', 'a/1', 'a/2', 'b', 'b/1', 'c', 'c/x', 'd'];

function randomKey(rng: Rng): string {
  return rng.pick(KEYS);
}

function randomOp(rng: Rng, store: StoreStateMachine, nowMs: number): StoreOp {
  const roll = rng.int(0, 99);
  if (roll < 40) {
    const leases = store.leaseLeases().leases;
    const lease = leases.length > 0 && rng.chance(0.3) ? rng.pick(leases).id : '0';
    return { type: 'put', request: { key: b(randomKey(rng)), value: b(`v${rng.int(0, 999)}`), lease } };
  }
  if (roll < 55) {
    const key = randomKey(rng);
    return { type: 'deleteRange', request: rng.chance(0.5) ? { key: b(key) } : { key: b(key), rangeEnd: b(rng.pick(KEYS)) } };
  }
  if (roll < 75) {
    const keys = [...new Set([randomKey(rng), randomKey(rng), randomKey(rng)])];
    return {
      type: 'txn',
      request: {
        compare: [{ key: b(randomKey(rng)), target: 'VERSION', result: rng.pick(['EQUAL', 'GREATER', 'LESS'] as const), version: rng.int(0, 3) }],
        success: keys.map((key) => ({ requestPut: { key: b(key), value: b(`t${rng.int(0, 999)}`) } })),
        failure: [{ requestDeleteRange: { key: b(randomKey(rng)) } }],
      },
    };
  }
  if (roll < 82) return { type: 'leaseGrant', request: { ttl: rng.int(1, 5) }, nowMs };
  if (roll < 90) {
    const leases = store.leaseLeases().leases;
    return { type: 'leaseRevoke', request: { id: leases.length > 0 ? rng.pick(leases).id : '12345' } };
  }
  if (roll < 94) {
    const revision = rng.int(store.compactRevision, store.revision);
    return { type: 'compact', request: { revision } };
  }
  return { type: 'leaseKeepAlive', request: { id: rng.pick(store.leaseLeases().leases.map((lease) => lease.id).concat(['1'])) }, nowMs };
}

interface TrackedWatcher {
  readonly id: number;
  readonly key: string;
  readonly rangeEnd: string | undefined;
  readonly startRevision: number;
  readonly responses: WatchResponse[];
  accept: boolean;
}

function inRange(watcher: TrackedWatcher, key: string): boolean {
  if (watcher.rangeEnd === undefined) return key === watcher.key;
  return key >= watcher.key && key < watcher.rangeEnd;
}

function runHistory(seed: number, t: Test): string {
  const rng = new SeededRng(seed);
  const store = newStore({ watchBufferEventsMax: 40, watchCatchUpEventsMax: 7 });
  const commits: Commit[] = [];
  store.kv.observe({ onCommit: (commit) => commits.push(commit), onCompact: () => undefined, onRestore: () => undefined });
  const watchers: TrackedWatcher[] = [];
  let nowMs = 0;
  for (let step = 0; step < 600; step++) {
    nowMs += rng.int(0, 500);
    store.apply(randomOp(rng, store, nowMs));
    if (rng.chance(0.05)) {
      const key = randomKey(rng);
      const rangeEnd = rng.chance(0.5) ? undefined : `${key}\xff`;
      const startRevision = rng.int(store.compactRevision + 1, store.revision + 2);
      const tracked: TrackedWatcher = { id: 0, key, rangeEnd, startRevision, responses: [], accept: true };
      const created = store.watch(
        { key: b(key), ...(rangeEnd === undefined ? {} : { rangeEnd: b(rangeEnd) }), startRevision },
        (response) => {
          tracked.responses.push(response);
          return tracked.accept;
        },
      );
      (tracked as { id: number }).id = created.watchId;
      watchers.push(tracked);
      if (rng.chance(0.7)) store.watches.resume(created.watchId);
    }
    for (const watcher of watchers) {
      if (!rng.chance(0.1) || store.watches.status(watcher.id) === undefined) continue;
      watcher.accept = rng.chance(0.6);
      if (watcher.accept) store.watches.resume(watcher.id);
    }
    if (rng.chance(0.03)) store.watches.progress();
  }
  for (const watcher of watchers) {
    watcher.accept = true;
    if (store.watches.status(watcher.id) !== undefined) store.watches.resume(watcher.id);
  }
  checkWatchers(t, store, watchers, commits);
  return store.hash();
}

function checkWatchers(t: Test, store: StoreStateMachine, watchers: TrackedWatcher[], commits: Commit[]): void {
  let cancelled = 0;
  for (const watcher of watchers) {
    const expected = commits
      .filter((commit) => commit.revision >= watcher.startRevision)
      .map((commit) => ({ revision: commit.revision, events: commit.events.filter((event) => inRange(watcher, event.key)).map((event) => `${event.event.type}:${event.key}@${event.event.kv.modRevision}`) }))
      .filter((commit) => commit.events.length > 0);
    const delivered: { revision: number; events: string[] }[] = [];
    let lastRevision = 0;
    let ok = true;
    for (const response of watcher.responses) {
      if (response.canceled) continue;
      if (response.events.length === 0) {
        // A bookmark promises every event up to its revision has been delivered.
        const owed = expected.filter((commit) => commit.revision <= response.header.revision);
        ok &&= owed.length === delivered.length;
        continue;
      }
      for (const event of response.events) {
        const revision = event.kv.modRevision;
        ok &&= revision >= lastRevision; // ordered
        if (revision !== lastRevision) delivered.push({ revision, events: [] });
        (delivered[delivered.length - 1] as { events: string[] }).events.push(`${event.type}:${s(event.kv.key)}@${revision}`);
        lastRevision = revision;
      }
      // Atomic: the last revision in a response is complete in that response.
      const last = delivered[delivered.length - 1] as { revision: number; events: string[] };
      const whole = expected.find((commit) => commit.revision === last.revision);
      ok &&= whole !== undefined && whole.events.length === last.events.length;
    }
    const final = watcher.responses[watcher.responses.length - 1];
    const wasCancelled = final?.canceled === true;
    if (wasCancelled) cancelled++;
    // Unique and gap-free: exactly the history (a prefix of it if the hub cancelled the watcher).
    const want = wasCancelled ? expected.slice(0, delivered.length) : expected;
    if (!ok || JSON.stringify(delivered) !== JSON.stringify(want)) {
      t.fail(`watcher ${watcher.id} (${watcher.key}..${watcher.rangeEnd ?? ''} from ${watcher.startRevision}) got a wrong stream`);
      return;
    }
    if (wasCancelled) t.ok(final.error !== undefined && ['STORE_COMPACTED', 'STORE_WATCH_SLOW'].includes(final.error.code));
  }
  t.ok(watchers.length > 10, `${watchers.length} watchers checked, ${cancelled} cancelled by the hub`);
  t.ok(store.revision > 300, `reached revision ${store.revision}`);
}

t.test('watchers receive exactly the history: ordered, unique, atomic, gap-free, with true bookmarks', async (t) => {
  for (const seed of [1, 2, 3, 42]) runHistory(seed, t);
});

t.test('the same ops give the same state, byte for byte', async (t) => {
  t.equal(runHistory(7, t), runHistory(7, t));
  t.not(runHistory(7, t), runHistory(8, t));
});
