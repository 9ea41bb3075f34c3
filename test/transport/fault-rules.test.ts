import t from 'tap';
import { FaultTable, validateFaultRules } from '../../src/transport/fault-rules.js';
import { SeededRng } from '../../src/util/rng.js';

t.test('validateFaultRules accepts JSON rules and refuses bad ones with a coded error', async (t) => {
  const json = JSON.parse('[{"peer":"p2","direction":"outbound","cut":true},{"peer":"*","direction":"both","delayMs":20,"dropProbability":0.1}]');
  t.same(validateFaultRules(json), json);
  const bad: unknown[] = [
    {},
    [{ peer: 'p2', direction: 'both' }],
    [{ peer: 'p2', direction: 'up', cut: true }],
    [{ peer: '', direction: 'both', cut: true }],
    [{ peer: 'p2', direction: 'both', dropProbability: 1.5 }],
    [{ peer: 'p2', direction: 'both', delayMs: -1 }],
    [{ peer: 'p2', direction: 'both', delayMs: 1e9 }],
    [{ peer: 'p2', direction: 'both', cut: 'yes' }],
    [{ peer: 'p2', direction: 'both', cut: true, extra: 1 }],
    [null],
    Array.from({ length: 300 }, () => ({ peer: '*', direction: 'both', cut: true })),
  ];
  for (const rules of bad) t.throws(() => validateFaultRules(rules), { code: 'TRANSPORT_BAD_FAULT_RULE' }, JSON.stringify(rules).slice(0, 60));
});

t.test('FaultTable combines matching rules by direction and peer', async (t) => {
  const table = new FaultTable(new SeededRng(1));
  t.same(table.decide('p2', 'outbound'), { kind: 'pass', delayMs: 0 });
  table.set([
    { peer: 'p2', direction: 'outbound', cut: true },
    { peer: '*', direction: 'inbound', delayMs: 30 },
    { peer: 'p3', direction: 'both', delayMs: 50 },
  ]);
  t.same(table.decide('p2', 'outbound'), { kind: 'drop', reason: 'cut' });
  t.same(table.decide('p2', 'inbound'), { kind: 'pass', delayMs: 30 });
  t.same(table.decide('p3', 'inbound'), { kind: 'pass', delayMs: 50 }, 'longest delay wins');
  t.same(table.decide('p3', 'outbound'), { kind: 'pass', delayMs: 50 });
  table.set([{ peer: 'p2', direction: 'both', dropProbability: 1 }]);
  t.same(table.decide('p2', 'inbound'), { kind: 'drop', reason: 'random' });
  t.same(table.rules(), [{ peer: 'p2', direction: 'both', dropProbability: 1 }]);
});
