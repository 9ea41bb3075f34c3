import t from 'tap';
import { isStoreError } from '../../src/store/errors.js';
import type { WatchResponse } from '../../src/store/requests.js';
import type { StoreStateMachine } from '../../src/store/state-machine.js';
import { b, newStore, put, s } from './fixtures/helpers.js';

interface Recorder {
  readonly responses: WatchResponse[];
  events(): string[];
  /** What the listener returns: false pauses the watcher. */
  accept: boolean;
}

function record(): Recorder & { listener: (response: WatchResponse) => boolean } {
  const recorder = {
    responses: [] as WatchResponse[],
    accept: true,
    events(): string[] {
      return recorder.responses.flatMap((response) =>
        response.events.map((event) => `${event.kv.modRevision}:${event.type}:${s(event.kv.key)}${event.type === 'PUT' ? `=${s(event.kv.value)}` : ''}`),
      );
    },
    listener: (response: WatchResponse): boolean => {
      recorder.responses.push(response);
      return recorder.accept;
    },
  };
  return recorder;
}

function startWatch(store: StoreStateMachine, key: string, options: { rangeEnd?: string; startRevision?: number; prevKv?: boolean } = {}) {
  const recorder = record();
  const created = store.watch(
    {
      key: b(key),
      ...(options.rangeEnd === undefined ? {} : { rangeEnd: b(options.rangeEnd) }),
      ...(options.startRevision === undefined ? {} : { startRevision: options.startRevision }),
      ...(options.prevKv === undefined ? {} : { prevKv: options.prevKv }),
    },
    recorder.listener,
  );
  store.watches.resume(created.watchId);
  return { recorder, created };
}

t.test('live events arrive in order, one response per revision', async (t) => {
  const store = newStore();
  const { recorder, created } = startWatch(store, 'a', { rangeEnd: 'c' });
  t.equal(created.startRevision, 2);
  put(store, 'a', '1');
  put(store, 'z', 'ignored');
  store.kv.txn({ success: [{ requestPut: { key: b('b'), value: b('2') } }, { requestDeleteRange: { key: b('a') } }] });
  t.same(recorder.events(), ['2:PUT:a=1', '4:PUT:b=2', '4:DELETE:a']);
  t.same(recorder.responses.map((response) => response.header.revision), [2, 4]);
});

t.test('watchers start paused: nothing arrives before resume', async (t) => {
  const store = newStore();
  const recorder = record();
  const { watchId } = store.watch({ key: b('a') }, recorder.listener);
  put(store, 'a', '1');
  t.same(recorder.responses, []);
  store.watches.resume(watchId);
  t.same(recorder.events(), ['2:PUT:a=1']);
});

t.test('a past start revision catches up from history, then goes live', async (t) => {
  const store = newStore();
  put(store, 'k', '1'); // 2
  put(store, 'k', '2'); // 3
  store.kv.deleteRange({ key: b('k') }); // 4
  const { recorder } = startWatch(store, 'k', { startRevision: 3, prevKv: true });
  put(store, 'k', '3'); // 5
  t.same(recorder.events(), ['3:PUT:k=2', '4:DELETE:k', '5:PUT:k=3']);
  const prev = recorder.responses.flatMap((response) => response.events.map((event) => (event.prevKv === undefined ? '-' : s(event.prevKv.value))));
  t.same(prev, ['1', '2', '-']);
});

t.test('prev_kv is only sent when asked; NOPUT and NODELETE filter', async (t) => {
  const store = newStore();
  const plain = startWatch(store, 'k').recorder;
  const recorder = record();
  const { watchId } = store.watch({ key: b('k'), filters: ['NOPUT'] }, recorder.listener);
  store.watches.resume(watchId);
  const noDelete = record();
  store.watches.resume(store.watch({ key: b('k'), filters: ['NODELETE'] }, noDelete.listener).watchId);
  put(store, 'k', '1');
  put(store, 'k', '2');
  store.kv.deleteRange({ key: b('k') });
  t.equal(plain.responses[1]?.events[0]?.prevKv, undefined);
  t.same(recorder.events(), ['4:DELETE:k']);
  t.same(noDelete.events(), ['2:PUT:k=1', '3:PUT:k=2']);
});

t.test('a compacted start revision is refused with the compact revision', async (t) => {
  const store = newStore();
  put(store, 'k', '1');
  put(store, 'k', '2');
  store.apply({ type: 'compact', request: { revision: 3 } });
  try {
    store.watch({ key: b('k'), startRevision: 3 }, () => true);
    t.fail('expected an error');
  } catch (error) {
    t.ok(isStoreError(error, 'STORE_COMPACTED'));
    t.equal((error as { details: { compactRevision: number } }).details.compactRevision, 3);
  }
  t.doesNotThrow(() => store.watch({ key: b('k'), startRevision: 4 }, () => true));
});

t.test('a watcher behind when compaction overtakes it is cancelled with compact_revision', async (t) => {
  const store = newStore();
  put(store, 'k', '1'); // 2
  const recorder = record();
  store.watch({ key: b('k'), startRevision: 2 }, recorder.listener); // still paused
  put(store, 'k', '2'); // 3
  store.apply({ type: 'compact', request: { revision: 2 } });
  t.same(recorder.responses[0]?.canceled ?? false, true);
  t.equal(recorder.responses[0]?.compactRevision, 2);
  t.equal(recorder.responses[0]?.error?.code, 'STORE_COMPACTED');
  t.equal(store.watches.watchersCount, 0);
});

t.test('returning false pauses; resume delivers the buffer; overflow cancels with a reason', async (t) => {
  const store = newStore({ watchBufferEventsMax: 3 });
  const { recorder, created } = startWatch(store, 'k');
  recorder.accept = false;
  put(store, 'k', '1');
  put(store, 'k', '2');
  put(store, 'k', '3');
  t.equal(recorder.responses.length, 1, 'paused after the first response');
  t.same(store.watches.status(created.watchId), { nextRevision: 5, paused: true, synced: true, pendingEvents: 2 });
  recorder.accept = true;
  store.watches.resume(created.watchId);
  t.same(recorder.events(), ['2:PUT:k=1', '3:PUT:k=2', '4:PUT:k=3']);
  recorder.accept = false;
  for (let i = 0; i < 5; i++) put(store, 'k', `x${i}`);
  const last = recorder.responses[recorder.responses.length - 1];
  t.equal(last?.canceled, true);
  t.equal(last?.error?.code, 'STORE_WATCH_SLOW');
  t.match(last?.cancelReason ?? '', /more than 3 events/);
  t.equal(store.watches.watchersCount, 0);
});

t.test('a watcher behind in history holds only a cursor while paused', async (t) => {
  const store = newStore({ watchBufferEventsMax: 2, watchCatchUpEventsMax: 2 });
  const recorder = record();
  const { watchId } = store.watch({ key: b('k'), startRevision: 1 }, recorder.listener);
  for (let i = 0; i < 10; i++) put(store, 'k', `${i}`);
  recorder.accept = false;
  store.watches.resume(watchId);
  t.equal(recorder.responses.length, 1);
  t.equal(recorder.responses[0]?.events.length, 2, 'catch-up chunks are bounded');
  for (let i = 10; i < 20; i++) put(store, 'k', `${i}`);
  t.same(store.watches.status(watchId)?.pendingEvents, 0, 'nothing buffered while behind');
  recorder.accept = true;
  store.watches.resume(watchId);
  t.equal(recorder.events().length, 20);
  t.equal(store.watches.status(watchId)?.synced, true);
});

t.test('catch-up never splits a revision, however small the chunk', async (t) => {
  const store = newStore({ watchCatchUpEventsMax: 2 });
  const success = ['a', 'b', 'c', 'd', 'e'].map((key) => ({ requestPut: { key: b(key), value: b('1') } }));
  store.kv.txn({ success });
  put(store, 'a', '2');
  const { recorder } = startWatch(store, 'a', { rangeEnd: 'z', startRevision: 1 });
  t.same(recorder.responses.map((response) => response.events.length), [5, 1]);
});

t.test('progress notifications go to current, running watchers only', async (t) => {
  const store = newStore();
  const current = startWatch(store, 'a').recorder;
  put(store, 'other', '1');
  const behind = record();
  const behindId = store.watch({ key: b('a'), startRevision: 1 }, behind.listener).watchId;
  store.watches.progress();
  t.same(current.responses.map((response) => [response.events.length, response.header.revision]), [[0, 2]]);
  t.same(behind.responses, [], 'paused: no bookmark');
  store.watches.resume(behindId);
  store.watches.progress([behindId]);
  t.same(behind.responses.map((response) => response.header.revision), [2]);
});

t.test('resuming from the last revision seen + 1 gives exactly the rest', async (t) => {
  const store = newStore();
  const first = startWatch(store, 'k');
  put(store, 'k', '1');
  put(store, 'k', '2');
  store.watches.cancel(first.created.watchId);
  put(store, 'k', '3');
  put(store, 'k', '4');
  const lastSeen = first.recorder.responses[first.recorder.responses.length - 1]?.header.revision ?? 0;
  const second = startWatch(store, 'k', { startRevision: lastSeen + 1 });
  t.same([...first.recorder.events(), ...second.recorder.events()], ['2:PUT:k=1', '3:PUT:k=2', '4:PUT:k=3', '5:PUT:k=4']);
});

t.test('watcher count is limited', async (t) => {
  const store = newStore({ watchersMax: 1 });
  store.watch({ key: b('a') }, () => true);
  t.throws(() => store.watch({ key: b('a') }, () => true), { code: 'STORE_TOO_MANY_WATCHERS' });
  t.throws(() => store.watches.resume(99), { code: 'STORE_WATCH_NOT_FOUND' });
});

t.test('writing to the store from inside a listener is a programmer error', async (t) => {
  const store = newStore();
  startWatch(store, 'a').recorder.listener;
  const { watchId } = store.watch({ key: b('a') }, () => {
    put(store, 'b', 'x');
  });
  store.watches.resume(watchId);
  t.throws(() => put(store, 'a', '1'), { name: 'AssertionError' });
});

t.test('a listener that throws is cancelled; the write and the other watchers go on', async (t) => {
  const store = newStore();
  const other = startWatch(store, 'a').recorder;
  const seen: WatchResponse[] = [];
  const { watchId } = store.watch({ key: b('a') }, (response) => {
    seen.push(response);
    if (!response.canceled) throw new TypeError('Cannot convert undefined or null to object');
  });
  store.watches.resume(watchId);
  put(store, 'a', '1');
  put(store, 'a', '2');
  t.same(other.events(), ['2:PUT:a=1', '3:PUT:a=2'], 'the other watcher has both writes');
  t.equal(store.revision, 3, 'both writes were applied');
  t.equal(seen.length, 2, 'the failing listener is told once more, then nothing');
  t.equal(seen[1]?.canceled, true);
  t.ok(isStoreError(seen[1]?.error, 'STORE_WATCH_LISTENER_FAILED'));
  t.match(seen[1]?.cancelReason, /listener failed: Cannot convert undefined or null to object/);
  t.equal(store.watches.status(watchId), undefined, 'the watcher is gone');
});

t.test('a listener that throws again on its cancel response is dropped quietly', async (t) => {
  const store = newStore();
  let calls = 0;
  const { watchId } = store.watch({ key: b('a') }, () => {
    calls++;
    throw new Error('always');
  });
  store.watches.resume(watchId);
  put(store, 'a', '1');
  t.equal(calls, 2);
  t.equal(store.watches.status(watchId), undefined);
});
