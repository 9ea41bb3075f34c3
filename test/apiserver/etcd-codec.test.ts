import t from 'tap';
import { decodeBase64Strict } from '../../src/apiserver/etcd/base64-strict.js';
import { errorBody, mapError, streamErrorLine } from '../../src/apiserver/etcd/error-mapping.js';
import { GatewayError } from '../../src/apiserver/etcd/gateway-error.js';
import { JsonFields } from '../../src/apiserver/etcd/json-fields.js';
import { JsonValueSplitter } from '../../src/apiserver/etcd/json-value-splitter.js';
import { decodeRangeRequest, keyValueOut, rangeResponseOut } from '../../src/apiserver/etcd/kv-codec.js';
import { decodeTxnRequest, txnResponseOut } from '../../src/apiserver/etcd/txn-codec.js';
import { decodeWatchRequest, watchResponseOut } from '../../src/apiserver/etcd/watch-codec.js';
import { PeerError } from '../../src/peer/errors.js';
import { StoreError } from '../../src/store/index.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const HEADER = { clusterId: '11', memberId: '22', revision: 7, raftTerm: 3 };

t.test('base64 fails where Go fails, at the same offset (checked against etcd 3.4.23)', async (t) => {
  const offsets: Record<string, number> = { Zm9: 0, 'Zm9v=': 4, 'Zm=v': 2, 'Z===': 1, 'Zg=': 3, 'Zg==x': 4, 'Zm9v!A==': 4, 'Zg-_': 2, Zg: 0, '!!!': 0 };
  for (const [text, offset] of Object.entries(offsets)) {
    t.throws(() => decodeBase64Strict(text), { message: `illegal base64 data at input byte ${offset}` }, text);
  }
  t.same(decodeBase64Strict('Zm9v'), bytes('foo'));
  t.same(decodeBase64Strict('Zg=='), bytes('f'));
  t.same(decodeBase64Strict(''), new Uint8Array(0));
});

t.test('fields are read by proto name or lowerCamel name; int64 as number or string; null is zero', async (t) => {
  const { request, serializable } = decodeRangeRequest(
    JsonFields.of({ key: 'Zm9v', rangeEnd: 'Zm9w', limit: '2', revision: 5, sort_order: 2, sortTarget: 'MOD', keys_only: null, serializable: true, unknown: 1 }),
  );
  t.same(request, { key: bytes('foo'), rangeEnd: bytes('fop'), limit: 2, revision: 5, sortOrder: 'DESCEND', sortTarget: 'MOD' });
  t.equal(serializable, true);
  t.throws(() => JsonFields.of([]), { message: 'json: cannot unmarshal array into Go value of type map[string]json.RawMessage' });
  t.throws(() => JsonFields.of({ key: 5 }).bytes('key'), { message: 'json: cannot unmarshal number into Go value of type []uint8' });
  t.throws(() => JsonFields.of({ limit: 'x' }).int('limit'), { code: 'GATEWAY_BAD_REQUEST' });
  t.throws(() => JsonFields.of({ o: 'FOO' }).enumOf('o', ['NONE'], 'etcdserverpb.RangeRequest_SortOrder'), {
    message: 'unknown value "FOO" for enum etcdserverpb.RangeRequest_SortOrder',
  });
  t.equal(JsonFields.of({ ID: 42 }).id('ID'), '42');
  t.equal(JsonFields.of({ ID: '0042' }).id('ID'), '42', 'ids are kept canonical');
});

t.test('txn requests: compares and every kind of op; an op with no request is refused as etcd does', async (t) => {
  const txn = decodeTxnRequest(
    JsonFields.of({
      compare: [{ key: 'YQ==', target: 'MOD', result: 'LESS', mod_revision: '9' }],
      success: [{ request_put: { key: 'YQ==', value: 'MQ==', lease: '5' } }, { request_txn: { success: [{ request_range: { key: 'YQ==' } }] } }],
      failure: [{ request_delete_range: { key: 'YQ==', prev_kv: true } }],
    }),
  );
  t.same(txn.compare, [{ result: 'LESS', target: 'MOD', key: bytes('a'), modRevision: 9 }]);
  t.same(txn.success?.[0], { requestPut: { key: bytes('a'), value: bytes('1'), lease: '5' } });
  t.same(txn.failure, [{ requestDeleteRange: { key: bytes('a'), prevKv: true } }]);
  t.throws(() => decodeTxnRequest(JsonFields.of({ success: [{}] })), { message: 'etcdserver: key not found' });
});

t.test('responses leave zero values out and print int64 as strings', async (t) => {
  const kv = { key: bytes('k'), createRevision: 2, modRevision: 3, version: 1, value: new Uint8Array(0), lease: '0' };
  t.same(keyValueOut(kv), { key: 'aw==', create_revision: '2', mod_revision: '3', version: '1' });
  t.same(rangeResponseOut({ header: HEADER, kvs: [], more: false, count: 0 }), {
    header: { cluster_id: '11', member_id: '22', revision: '7', raft_term: '3' },
  });
  const txn = txnResponseOut({
    header: HEADER,
    succeeded: true,
    responses: [{ responseTxn: { header: { revision: 7 }, succeeded: false, responses: [{ responsePut: { header: { revision: 7 } } }] } }],
  });
  t.same(txn.responses, [{ response_txn: { header: {}, responses: [{ response_put: { header: { revision: '7' } } }] } }]);
});

t.test('watch messages: create, cancel, progress; events print DELETE but not PUT', async (t) => {
  const create = decodeWatchRequest(JsonFields.of({ create_request: { key: 'YQ==', start_revision: '3', filters: ['NODELETE', 0], progress_notify: true } }));
  t.same(create, { kind: 'create', request: { key: bytes('a'), startRevision: 3, filters: ['NODELETE', 'NOPUT'] }, progressNotify: true });
  t.same(decodeWatchRequest(JsonFields.of({ cancel_request: { watch_id: '2' } })), { kind: 'cancel', watchId: 2 });
  t.same(decodeWatchRequest(JsonFields.of({ progress_request: {} })), { kind: 'progress' });
  const tombstone = { key: bytes('a'), createRevision: 0, modRevision: 8, version: 0, value: new Uint8Array(0), lease: '0' };
  const put = { ...tombstone, createRevision: 8, version: 1, value: bytes('v') };
  const out = watchResponseOut({ header: HEADER, watchId: 0, events: [{ type: 'PUT', kv: put }, { type: 'DELETE', kv: tombstone }] });
  t.same(out['events'], [{ kv: { key: 'YQ==', create_revision: '8', mod_revision: '8', version: '1', value: 'dg==' } }, { type: 'DELETE', kv: { key: 'YQ==', mod_revision: '8' } }]);
  t.same(watchResponseOut({ header: HEADER, watchId: 1, canceled: true, compactRevision: 5, headerWithoutRevision: true }), {
    header: { cluster_id: '11', member_id: '22', raft_term: '3' },
    watch_id: '1',
    canceled: true,
    compact_revision: '5',
  });
});

t.test('the splitter yields whole objects across chunk boundaries, strings and escapes included', async (t) => {
  const splitter = new JsonValueSplitter(1000);
  t.same(splitter.push('{"a":"}\\"{"'), { values: [] });
  t.same(splitter.push(',"b":[{}]}\n {"c":1}{'), { values: ['{"a":"}\\"{","b":[{}]}', '{"c":1}'] });
  t.equal(splitter.idle, false);
  t.same(splitter.push('}'), { values: ['{}'] });
  const bad = new JsonValueSplitter(1000).push('{"ok":1}x{"never":2}');
  t.same(bad.values, ['{"ok":1}'], 'what came before bad input is kept');
  t.match(bad.error, { message: "invalid character 'x' looking for beginning of value" });
  t.match(new JsonValueSplitter(10).push('{"a":"0123456789"').error, { code: 'GATEWAY_BAD_REQUEST' }, 'the size limit holds within a chunk');
});

t.test('errors map to etcd gRPC codes, HTTP statuses and messages', async (t) => {
  const cases: Array<[unknown, number, number, string]> = [
    [new StoreError('STORE_COMPACTED', 'mvcc: required revision has been compacted'), 11, 400, 'etcdserver: mvcc: required revision has been compacted'],
    [new StoreError('STORE_LEASE_NOT_FOUND', 'etcdserver: requested lease not found'), 5, 404, 'etcdserver: requested lease not found'],
    [new StoreError('STORE_LEASE_EXISTS', 'etcdserver: lease already exists'), 9, 412, 'etcdserver: lease already exists'],
    [new StoreError('STORE_NO_SPACE', 'etcdserver: mvcc: database space exceeded'), 8, 429, 'etcdserver: mvcc: database space exceeded'],
    [new PeerError('PEER_NO_LEADER', 'etcdserver: no leader'), 14, 503, 'etcdserver: no leader'],
    [new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: member not found'), 5, 404, 'etcdserver: member not found'],
    [new PeerError('PEER_BAD_MEMBERSHIP', 'etcdserver: Peer URLs already exists'), 9, 412, 'etcdserver: Peer URLs already exists'],
    [new GatewayError('GATEWAY_BAD_REQUEST', 'unexpected EOF', 3), 3, 400, 'unexpected EOF'],
    [new TypeError('boom'), 2, 500, 'boom'],
  ];
  for (const [error, grpcCode, httpStatus, message] of cases) t.match(mapError(error), { grpcCode, httpStatus, message }, message);
  t.equal(errorBody(mapError(new PeerError('PEER_TIMEOUT', 'etcdserver: request timed out'))), '{"error":"etcdserver: request timed out","message":"etcdserver: request timed out","code":14}');
  t.same(JSON.parse(streamErrorLine(mapError(new PeerError('PEER_STOPPED', 'etcdserver: server stopped')))), {
    error: { grpc_code: 14, http_code: 503, message: 'etcdserver: server stopped', http_status: 'Service Unavailable' },
  });
  t.equal(mapError(new TypeError('boom')).internal, true, 'unexpected failures are logged');
});

t.test('member add keeps the client URLs it is given', async (t) => {
  const { decodeMemberAddRequest } = await import('../../src/apiserver/etcd/cluster-codec.js');
  const withClient = decodeMemberAddRequest(JsonFields.of({ peerURLs: ['ws://10.0.0.4:2390'], clientURLs: ['http://10.0.0.4:2389'], isLearner: true }));
  t.same(withClient, { peerURLs: ['ws://10.0.0.4:2390'], clientURLs: ['http://10.0.0.4:2389'], isLearner: true });
  const without = decodeMemberAddRequest(JsonFields.of({ peerURLs: ['ws://10.0.0.4:2390'] }));
  t.notOk('clientURLs' in without, 'absent stays absent');
});

t.test('base64: the fast path accepts exactly the well-formed values, and huge values cannot overflow it', async (t) => {
  const grammar = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const alphabet = 'AB+/=z9\n';
  let mismatches = 0;
  for (let n = 0; n <= 6; n++) {
    for (let k = 0; k < alphabet.length ** n; k++) {
      let rest = k;
      let text = '';
      for (let i = 0; i < n; i++) {
        text += alphabet[rest % alphabet.length];
        rest = Math.floor(rest / alphabet.length);
      }
      let accepted = true;
      try {
        decodeBase64Strict(text);
      } catch {
        accepted = false;
      }
      // Go's decoder skips line breaks: the grammar applies to what is left.
      if (accepted !== grammar.test(text.replace(/\n/g, ''))) mismatches++;
    }
  }
  t.equal(mismatches, 0, 'every string of up to 6 characters over A B + / = z 9 \\n');
  t.throws(() => decodeBase64Strict('A'.repeat(8_000_001)), { message: 'illegal base64 data at input byte 8000000' });
  t.equal(decodeBase64Strict('QQ=='.repeat(1)).length, 1);
  t.equal(decodeBase64Strict('AAAA'.repeat(2_000_000)).length, 6_000_000, 'an 8 MB value decodes');
});
