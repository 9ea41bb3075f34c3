import { connect } from 'node:net';
import t from 'tap';
import { b64, post, startApiCluster } from './fixtures/api-cluster.js';
import { openStream } from './fixtures/stream-client.js';

const watchersOf = async (gauge: { get(): Promise<{ values: Array<{ value: number }> }> }): Promise<number> => (await gauge.get()).values[0]?.value ?? 0;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

t.test('limits and hostile clients', async (t) => {
  const cluster = await startApiCluster(1, { progressNotifyIntervalMs: 100 });
  t.teardown(() => cluster.stop());
  const leader = await cluster.leader();
  const url = leader.api.url;

  t.test('a watcher that does not read is cancelled with a reason; memory stays bounded', async (t) => {
    const stream = openStream(url, '/v3/watch', JSON.stringify({ create_request: { key: b64('slow/'), range_end: b64('slow0') } }), { pauseReading: true });
    await stream.response;
    t.ok(await until(async () => (await watchersOf(leader.metrics.watchers)) === 1, 2_000), 'the watcher is open');
    const value = b64('x'.repeat(1024));
    let txns = 0;
    // Each txn makes 128 events of ~1.4 KiB of JSON; the socket fills, the store pauses the
    // watcher, buffers its bounded 4096 events, then cancels it. Bounded at 300 txns.
    while (txns < 300 && (await watchersOf(leader.metrics.watchers)) > 0) {
      const success = Array.from({ length: 128 }, (_, i) => ({ request_put: { key: b64(`slow/${txns}/${i}`), value } }));
      const response = await post(url, '/v3/kv/txn', { success });
      t.equal(response.status, 200, 'writes go on while the watcher is stuck') || t.bailout();
      txns++;
    }
    t.equal(await watchersOf(leader.metrics.watchers), 0, `the slow watcher was cut off after ${txns} txns`);
    t.ok(process.memoryUsage().rss < 1024 * 1024 * 1024, 'the process did not balloon');
    stream.resumeReading();
    const ok = await until(async () => stream.raw().includes('"canceled":true'), 10_000);
    t.ok(ok, 'the client finally reads a cancel response');
    t.match(stream.raw(), /"cancel_reason":"watcher fell behind[^"]*"/, 'with a clear reason');
    stream.close();
    await post(url, '/v3/kv/deleterange', { key: b64('slow/'), range_end: b64('slow0') });
  });

  t.test('progress_notify sends empty responses with the current revision; cancel_request cancels', async (t) => {
    const stream = openStream(url, '/v3/watch', JSON.stringify({ create_request: { key: b64('quiet'), progress_notify: true } }), { keepOpen: true });
    const [created, progress] = await stream.lines(2, 3_000);
    t.equal(created.result.created, true);
    t.same(Object.keys(progress.result), ['header'], 'no events, no flags: a progress notification');
    t.equal(progress.result.header.revision, created.result.header.revision);
    stream.request.end(JSON.stringify({ cancel_request: { watch_id: '0' } }));
    const lines = await stream.lines(3, 3_000);
    const canceled = lines.find((line) => line.result.canceled === true);
    t.ok(canceled, 'the cancel is acknowledged as etcd does');
    t.ok(await until(async () => (await watchersOf(leader.metrics.watchers)) === 0, 2_000));
    stream.close();
  });

  t.test('garbage, aborted and oversized requests never take the server down', async (t) => {
    const garbage = connect(new URL(url).port as unknown as number, '127.0.0.1');
    garbage.end('NOT HTTP AT ALL\r\n\r\n');
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      garbage.on('data', (chunk) => (text += chunk.toString()));
      garbage.on('close', () => resolve(text));
    });
    t.match(reply, /^HTTP\/1\.1 400/);
    const aborted = openStream(url, '/v3/kv/put', '{"key":"YQ==","val', { keepOpen: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    aborted.close();
    const watchAborted = openStream(url, '/v3/watch', '{"create_request":{"key":"YQ=="}}{"create_req', { keepOpen: true });
    await watchAborted.lines(1);
    watchAborted.close();
    const streamTooLarge = openStream(url, '/v3/watch', `{"create_request":{"key":"${'A'.repeat(3 * 1024 * 1024 + 8)}`, { keepOpen: true });
    t.equal(await streamTooLarge.status, 500, 'a streamed message past the body limit is refused');
    streamTooLarge.close();
    const nested = '['.repeat(100_000);
    t.equal((await post(url, '/v3/kv/range', nested)).status, 400, 'deeply nested junk is a 400');
    t.equal((await post(url, '/v3/kv/range', '"just a string"')).status, 400);
    t.equal((await post(url, '/v3/kv/range', { key: b64('a'), limit: 1e300 })).status, 400);
    t.ok(await until(async () => (await watchersOf(leader.metrics.watchers)) === 0, 2_000), 'aborted watches released their watchers');
    const still = await post(url, '/v3/kv/put', { key: b64('alive'), value: b64('yes') });
    t.equal(still.status, 200, 'the server still serves');
  });
});
