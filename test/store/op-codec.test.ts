import t from 'tap';
import { decodeOp, encodeOp } from '../../src/store/op-codec.js';
import type { StoreOp } from '../../src/store/ops.js';
import { b, newStore } from './fixtures/helpers.js';

const ops: StoreOp[] = [
  { type: 'put', request: { key: b('k'), value: b('v'), lease: '12', prevKv: true } },
  { type: 'range', request: { key: b('a'), rangeEnd: new Uint8Array([0]), limit: 3, sortOrder: 'DESCEND', sortTarget: 'MOD' } },
  { type: 'deleteRange', request: { key: b('a'), rangeEnd: b('b'), prevKv: true } },
  {
    type: 'txn',
    request: {
      compare: [{ key: b('k'), target: 'MOD', result: 'LESS', modRevision: 5 }],
      success: [{ requestPut: { key: b('k'), value: b('1') } }, { requestTxn: { success: [{ requestRange: { key: b('k') } }] } }],
      failure: [{ requestDeleteRange: { key: b('k') } }],
    },
  },
  { type: 'compact', request: { revision: 4 } },
  { type: 'leaseGrant', request: { id: '9223372036854775807', ttl: 5 }, nowMs: 123 },
  { type: 'leaseRevoke', request: { id: '1' } },
  { type: 'leaseKeepAlive', request: { id: '1' }, nowMs: 456 },
  { type: 'leasePromote', nowMs: 789, extendMs: 1500 },
];

function normal(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(normal);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normal(item)]));
  return value;
}
const plain = (value: unknown): string => JSON.stringify(normal(value));

t.test('ops survive encode/decode and apply the same', async (t) => {
  for (const op of ops) {
    const decoded = decodeOp(encodeOp(op));
    t.equal(plain(decoded), plain(op), op.type);
    t.same(Buffer.from(encodeOp(decoded)), Buffer.from(encodeOp(op)), `${op.type} re-encodes to the same bytes`);
  }
  const one = newStore();
  const two = newStore();
  for (const op of ops) {
    one.apply(op);
    two.apply(decodeOp(encodeOp(op)));
  }
  t.equal(one.hash(), two.hash());
});

t.test('malformed ops are refused with a coded error', async (t) => {
  const { Packr } = await import('msgpackr');
  const packr = new Packr({ useRecords: false });
  const bad: unknown[] = [
    { type: 'nope' },
    { type: 'put', request: { key: 'not bytes' } },
    { type: 'put', request: { key: b('k'), surprise: 1 } },
    { type: 'put', request: { key: b('k'), toString: 1 } },
    { type: 'put', request: { key: b('k'), hasOwnProperty: b('x') } },
    { type: 'leaseGrant', request: { ttl: 5 } },
    { type: 'leaseRevoke', request: { id: 7 } },
    { type: 'txn', request: { success: [{ requestPut: { key: b('k') }, requestRange: { key: b('k') } }] } },
    { type: 'txn', request: { compare: [{ key: b('k'), target: 'SIZE', result: 'EQUAL' }] } },
    [1, 2, 3],
  ];
  for (const value of bad) t.throws(() => decodeOp(packr.pack(value)), { code: 'STORE_OP_INVALID' }, JSON.stringify(value));
  t.throws(() => decodeOp(new Uint8Array([0xc1])), { code: 'STORE_OP_INVALID' });
});
