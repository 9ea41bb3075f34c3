import t from 'tap';
import { isApiModelError } from '../../src/api/errors.js';
import { podKind } from '../../src/api/kinds/pod.js';
import { eventKind } from '../../src/api/kinds/event.js';
import { FieldSelector, parseFieldSelector } from '../../src/api/selectors/field-selector.js';
import { pod } from './fixtures/objects.js';

t.test('fields.ParseSelector: =, == and != terms, escaped values', async (t) => {
  t.same(parseFieldSelector('spec.nodeName=n1,status.phase!=Running'), [
    { field: 'spec.nodeName', operator: '=', value: 'n1' },
    { field: 'status.phase', operator: '!=', value: 'Running' },
  ]);
  t.same(parseFieldSelector('metadata.name==a\\,b'), [{ field: 'metadata.name', operator: '=', value: 'a,b' }]);
  t.same(parseFieldSelector(''), []);
});

t.test('fields.ParseSelector errors', async (t) => {
  t.throws(() => parseFieldSelector('spec.nodeName'), { message: "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'" });
  t.throws(() => parseFieldSelector('a=b\\c'), { message: 'invalid field selector: invalid escape sequence: \\c' });
});

t.test('a pod field selector matches spec.nodeName and status.phase', async (t) => {
  const bound = { ...pod('a'), spec: { nodeName: 'n1', containers: [] }, status: { phase: 'Running' } };
  const pending = { ...pod('b'), status: { phase: 'Pending' } };
  const selector = FieldSelector.parse('spec.nodeName=n1,status.phase=Running', podKind.selectableFields);
  t.equal(selector.matches(bound), true);
  t.equal(selector.matches(pending), false);
  t.equal(selector.requiresExactMatch('spec.nodeName'), 'n1');
  t.equal(FieldSelector.parse('spec.nodeName=', podKind.selectableFields).matches(pending), true, 'unscheduled pods');
  t.equal(FieldSelector.parse('metadata.namespace!=default', podKind.selectableFields).matches(pending), false);
});

t.test('an unsupported field is refused with "field label not supported"', async (t) => {
  try {
    FieldSelector.parse('spec.containers=x', podKind.selectableFields);
    t.fail('should throw');
  } catch (error) {
    t.ok(isApiModelError(error, 'API_FIELD_LABEL_NOT_SUPPORTED'));
    t.equal((error as Error).message, 'field label not supported: spec.containers');
  }
});

t.test('event field selectors on involvedObject (kubectl describe uses them)', async (t) => {
  const event = {
    metadata: { name: 'e', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
    reason: 'Scheduled',
    type: 'Normal',
  };
  const selector = FieldSelector.parse('involvedObject.name=web,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=u1', eventKind.selectableFields);
  t.equal(selector.matches(event), true);
});
