import t from 'tap';
import { b64, post, startApiCluster } from './fixtures/api-cluster.js';
import { etcdVersion, startEtcd } from './fixtures/etcd-process.js';
import { openStream } from './fixtures/stream-client.js';

/**
 * Sends one sequence of requests to a real etcd and to a raftplane peer and compares
 * the answers. Only what legitimately differs is normalised away: cluster_id, member_id
 * and raft_term in headers, the remaining seconds of a lease, and server versions.
 */
type Step =
  | { readonly name: string; readonly path: string; readonly body: unknown; readonly method?: 'GET' }
  | { readonly name: string; readonly watch: unknown; readonly lines: number; readonly then?: { path: string; body: unknown } }
  | { readonly name: string; readonly stream: string; readonly messages: string; readonly lines: number };

const A_END = b64('a0'); // prefix end of "a/"
const ALL = b64('\0');

const STEPS: Step[] = [
  { name: 'put foo', path: '/v3/kv/put', body: { key: b64('foo'), value: b64('bar') } },
  { name: 'put foo with prev_kv', path: '/v3/kv/put', body: { key: b64('foo'), value: b64('baz'), prev_kv: true } },
  { name: 'put a/1', path: '/v3/kv/put', body: { key: b64('a/1'), value: b64('1') } },
  { name: 'put a/2', path: '/v3/kv/put', body: { key: b64('a/2'), value: b64('2') } },
  { name: 'put a/3', path: '/v3/kv/put', body: { key: b64('a/3'), value: b64('3') } },
  { name: 'put b (camelCase prevKv)', path: '/v3/kv/put', body: { key: b64('b'), value: b64(''), prevKv: true } },
  { name: 'range prefix', path: '/v3/kv/range', body: { key: b64('a/'), range_end: A_END } },
  { name: 'range prefix limit 2', path: '/v3/kv/range', body: { key: b64('a/'), range_end: A_END, limit: 2 } },
  { name: 'range all, sort by mod descending', path: '/v3/kv/range', body: { key: ALL, range_end: ALL, sort_order: 'DESCEND', sort_target: 'MOD' } },
  { name: 'range all, numeric enums', path: '/v3/kv/range', body: { key: ALL, range_end: ALL, sort_order: 1, sort_target: 4 } },
  { name: 'range keys_only', path: '/v3/kv/range', body: { key: b64('a/'), range_end: A_END, keys_only: true } },
  { name: 'range count_only', path: '/v3/kv/range', body: { key: ALL, range_end: ALL, count_only: true } },
  { name: 'range at a past revision', path: '/v3/kv/range', body: { key: b64('foo'), revision: '2' } },
  { name: 'range min_mod_revision', path: '/v3/kv/range', body: { key: ALL, range_end: ALL, min_mod_revision: '5' } },
  { name: 'range max_create_revision', path: '/v3/kv/range', body: { key: ALL, range_end: ALL, max_create_revision: '4' } },
  { name: 'range a missing key', path: '/v3/kv/range', body: { key: b64('nope') } },
  { name: 'deleterange a/2 with prev_kv', path: '/v3/kv/deleterange', body: { key: b64('a/2'), prev_kv: true } },
  { name: 'deleterange nothing', path: '/v3/kv/deleterange', body: { key: b64('zzz') } },
  {
    name: 'txn that succeeds',
    path: '/v3/kv/txn',
    body: {
      compare: [{ key: b64('foo'), result: 'GREATER', target: 'VERSION', version: '0' }],
      success: [{ request_put: { key: b64('t'), value: b64('1') } }, { request_range: { key: b64('foo') } }],
      failure: [{ request_delete_range: { key: b64('foo') } }],
    },
  },
  {
    name: 'txn that fails',
    path: '/v3/kv/txn',
    body: {
      compare: [{ key: b64('foo'), result: 'EQUAL', target: 'VALUE', value: b64('nope') }],
      success: [{ request_put: { key: b64('t'), value: b64('2') } }],
      failure: [{ request_range: { key: b64('a/'), range_end: A_END } }, { request_txn: {} }],
    },
  },
  {
    name: 'txn on mod_revision with a nested delete',
    path: '/v3/kv/txn',
    body: {
      compare: [{ key: b64('t'), target: 'MOD', result: 'LESS', mod_revision: '1000' }],
      success: [{ request_delete_range: { key: b64('t'), prev_kv: true } }],
    },
  },
  { name: 'txn with a duplicate key', path: '/v3/kv/txn', body: { success: [{ request_put: { key: b64('x') } }, { request_put: { key: b64('x') } }] } },
  { name: 'empty txn', path: '/v3/kv/txn', body: {} },
  { name: 'compaction', path: '/v3/kv/compaction', body: { revision: '5' } },
  { name: 'range a compacted revision', path: '/v3/kv/range', body: { key: b64('foo'), revision: '3' } },
  { name: 'range a future revision', path: '/v3/kv/range', body: { key: b64('foo'), revision: '1000' } },
  { name: 'compaction again at the same revision', path: '/v3/kv/compaction', body: { revision: '5' } },
  { name: 'compaction at a future revision', path: '/v3/kv/compaction', body: { revision: '1000' } },
  { name: 'watch from a past revision', watch: { create_request: { key: ALL, range_end: ALL, start_revision: '6', prev_kv: true } }, lines: 2 },
  { name: 'watch from a compacted revision', watch: { create_request: { key: b64('foo'), start_revision: '3' } }, lines: 2 },
  {
    name: 'watch live events with a NOPUT filter and prev_kv',
    watch: { create_request: { key: b64('a/'), range_end: A_END, filters: ['NOPUT'], prev_kv: true } },
    then: { path: '/v3/kv/deleterange', body: { key: b64('a/'), range_end: A_END } },
    lines: 2,
  },
  {
    name: 'watch live put and a progress request',
    watch: { create_request: { key: b64('live') } },
    then: { path: '/v3/kv/put', body: { key: b64('live'), value: b64('1') } },
    lines: 2,
  },
  { name: 'watch with an empty request sends nothing, then a progress request', stream: '/v3/watch', messages: '{}{"progress_request":{}}', lines: 1 },
  { name: 'watch with bad base64', stream: '/v3/watch', messages: '{"create_request":{"key":"!"}}', lines: 0 },
  { name: 'watch stream with garbage after a whole message', stream: '/v3/watch', messages: '{"create_request":{"key":"Zm9v"}}garbage', lines: 1 },
  { name: 'lease grant', path: '/v3/lease/grant', body: { TTL: '60', ID: '100' } },
  { name: 'lease grant of an existing id', path: '/v3/lease/grant', body: { TTL: '60', ID: '100' } },
  { name: 'lease grant with a huge TTL', path: '/v3/lease/grant', body: { TTL: '99999999999', ID: '101' } },
  { name: 'put attached to the lease', path: '/v3/kv/put', body: { key: b64('leased'), value: b64('v'), lease: '100' } },
  { name: 'range a leased key', path: '/v3/kv/range', body: { key: b64('leased') } },
  { name: 'lease timetolive with keys', path: '/v3/lease/timetolive', body: { ID: '100', keys: true } },
  { name: 'lease leases', path: '/v3/lease/leases', body: {} },
  { name: 'lease keep-alive stream', stream: '/v3/lease/keepalive', messages: '{"ID":"100"}{"ID":"777"}', lines: 2 },
  { name: 'lease revoke', path: '/v3/lease/revoke', body: { ID: '100' } },
  { name: 'leased key is gone', path: '/v3/kv/range', body: { key: b64('leased') } },
  { name: 'lease timetolive of a revoked lease', path: '/v3/kv/lease/timetolive', body: { ID: '100' } },
  { name: 'lease revoke again', path: '/v3/kv/lease/revoke', body: { ID: '100' } },
  { name: 'put with a missing lease', path: '/v3/kv/put', body: { key: b64('k'), lease: '12345' } },
  // Lease ids are int64: a negative one names no lease; one past the range is not an int64.
  { name: 'put with a negative lease', path: '/v3/kv/put', body: { key: b64('k'), value: b64('v'), lease: -1 } },
  { name: 'txn put with a negative lease', path: '/v3/kv/txn', body: { success: [{ request_put: { key: b64('k'), lease: '-1' } }] } },
  { name: 'lease revoke of a negative id', path: '/v3/lease/revoke', body: { ID: '-1' } },
  { name: 'lease keep-alive of a negative id', stream: '/v3/lease/keepalive', messages: '{"ID":"-1"}', lines: 1 },
  { name: 'lease grant with a negative id', path: '/v3/lease/grant', body: { TTL: '60', ID: '-5' } },
  { name: 'put attached to the negative lease', path: '/v3/kv/put', body: { key: b64('neg'), value: b64('v'), lease: '-5' } },
  { name: 'txn comparing a lease with a negative id', path: '/v3/kv/txn', body: { compare: [{ key: b64('neg'), target: 'LEASE', result: 'LESS', lease: '1' }], success: [{ request_range: { key: b64('neg') } }] } },
  { name: 'lease revoke of the negative lease', path: '/v3/lease/revoke', body: { ID: '-5' } },
  { name: 'put with a lease past int64', path: '/v3/kv/put', body: { key: b64('k'), lease: '9223372036854775808' } },
  { name: 'lease timetolive of an id past int64', path: '/v3/lease/timetolive', body: { ID: '18446744073709551615' } },
  // etcd's op budget shrinks with each nested txn, so deep nesting is refused before it is proposed.
  { name: 'txn nested 126 deep', path: '/v3/kv/txn', body: nestedTxn(126) },
  { name: 'txn nested 127 deep', path: '/v3/kv/txn', body: nestedTxn(127) },
  { name: 'txn nested 128 deep', path: '/v3/kv/txn', body: nestedTxn(128) },
  { name: 'txn compare with an empty key', path: '/v3/kv/txn', body: { compare: [{ key: '' }], success: [{ request_put: { key: b64('c1'), value: b64('x') } }] } },
  { name: 'txn compare with no key', path: '/v3/kv/txn', body: { compare: [{}] } },
  { name: 'range with a negative limit and revision', path: '/v3/kv/range', body: { key: ALL, range_end: ALL, limit: -1, revision: '-3', min_mod_revision: -2 } },
  { name: 'put with base64 broken over lines', path: '/v3/kv/put', body: { key: 'bj\nE=', value: 'eA==\r\n' } },
  { name: 'range with base64 broken over lines', path: '/v3/kv/range', body: { key: 'b\r\njE=' } },
  { name: 'put ignore_value on a missing key', path: '/v3/kv/put', body: { key: b64('missing'), ignore_value: true } },
  { name: 'put ignore_value with a value', path: '/v3/kv/put', body: { key: b64('foo'), ignore_value: true, value: b64('v') } },
  { name: 'bad base64', path: '/v3/kv/range', body: { key: '!!!' } },
  { name: 'base64 without padding', path: '/v3/kv/range', body: { key: 'Zm9' } },
  { name: 'missing key', path: '/v3/kv/range', body: {} },
  { name: 'empty body', path: '/v3/kv/put', body: '' },
  { name: 'malformed JSON', path: '/v3/kv/range', body: '{"key":' },
  { name: 'key of the wrong type', path: '/v3/kv/range', body: { key: 5 } },
  { name: 'unknown enum name', path: '/v3/kv/range', body: { key: b64('foo'), sort_order: 'FOO' } },
  { name: 'unknown /v3 path', path: '/v3/kv/nope', body: {} },
  { name: 'GET on a POST path', path: '/v3/kv/range', body: undefined, method: 'GET' },
];

/** A txn whose only success op is a txn, `depth` levels down, with a put at the bottom. */
function nestedTxn(depth: number): unknown {
  let body: unknown = { success: [{ request_put: { key: b64(`deep${depth}`), value: b64('x') } }] };
  for (let i = 1; i < depth; i++) body = { success: [{ request_txn: body }] };
  return body;
}

async function run(url: string, step: Step): Promise<unknown> {
  if ('watch' in step) {
    const stream = openStream(url, '/v3/watch', JSON.stringify(step.watch));
    try {
      if (step.then === undefined) return await stream.lines(step.lines);
      await stream.lines(1);
      await post(url, step.then.path, step.then.body);
      return await stream.lines(step.lines);
    } finally {
      stream.close();
    }
  }
  if ('stream' in step) return runStream(url, step.stream, step.messages, step.lines);
  if (step.method === 'GET') {
    const response = await fetch(`${url}${step.path}`);
    return { status: response.status, body: await response.text() };
  }
  return post(url, step.path, step.body);
}

/** A streamed call whose body holds `messages`: its status and first `lines` lines. */
async function runStream(url: string, path: string, messages: string, lines: number): Promise<unknown> {
  const stream = openStream(url, path, messages);
  try {
    const status = await Promise.race([stream.status, new Promise<number>((resolve) => setTimeout(() => resolve(0), 2_000))]);
    if (status !== 200) {
      await stream.ended;
      return { status, body: JSON.parse(stream.raw()) };
    }
    return { status, lines: await stream.lines(lines) };
  } finally {
    stream.close();
  }
}

/** Removes what differs between two honest servers. */
function normalise(value: unknown, parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item, parentKey));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (parentKey === 'header' && (key === 'cluster_id' || key === 'member_id' || key === 'raft_term')) continue;
    // The seconds left on a lease depend on timing: only its sign is compared.
    if (key === 'TTL' && typeof inner === 'string' && Object.hasOwn(value, 'grantedTTL')) {
      out[key] = Number(inner) > 0 ? 'positive' : inner;
      continue;
    }
    out[key] = normalise(inner, key);
  }
  return out;
}

const version = etcdVersion();
if (version === undefined) {
  const banner = '#'.repeat(78);
  console.error(`${banner}\n# etcd is not installed: the etcd differential test is SKIPPED.\n# Install etcd-server (see .ci/run) to compare the gateway with real etcd.\n${banner}`);
  t.pass('skipped: etcd binary not found', { skip: 'etcd binary not found' });
} else {
  t.test(`the etcd gateway answers as etcd ${version} does`, async (t) => {
    const etcd = await startEtcd(version);
    t.teardown(() => etcd.stop());
    const cluster = await startApiCluster(1);
    t.teardown(() => cluster.stop());
    const raftplane = (await cluster.leader()).api.url;
    for (const step of STEPS) {
      const expected = normalise(await run(etcd.url, step));
      const actual = normalise(await run(raftplane, step));
      t.same(actual, expected, step.name);
    }
  });
}
