import t from 'tap';
import { isApiModelError } from '../../src/api/errors.js';
import { formatLabelSelector, formatLabels, LabelSelector, validateLabelSelector } from '../../src/api/selectors/label-selector.js';
import { fieldErrorString } from '../../src/api/field-errors.js';

const labels = { app: 'web', tier: 'frontend', version: '3' };

function parseError(selector: string): string {
  try {
    LabelSelector.parse(selector);
  } catch (error) {
    if (isApiModelError(error, 'API_LABEL_SELECTOR_INVALID')) return error.message;
    throw error;
  }
  return '';
}

t.test('labels.Parse: equality, set-based and existence requirements', async (t) => {
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['tier in (frontend,backend)', true],
    ['tier notin (frontend)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=web,tier=frontend', true],
    ['app=web, tier=backend', false],
    ['version>2', true],
    ['version<3', false],
    ['', true],
  ];
  for (const [selector, expected] of cases) t.equal(LabelSelector.parse(selector).matches(labels), expected, selector);
});

t.test('labels.Parse: `in` and `notin` are values inside parentheses', async (t) => {
  t.equal(LabelSelector.parse('x in (in,notin)').matches({ x: 'notin' }), true);
  t.equal(LabelSelector.parse('x in (a,,b)').matches({ x: '' }), true);
  t.equal(LabelSelector.parse('x=').matches({ x: '' }), true);
});

t.test('Selector.String: requirements sorted by key, set values sorted', async (t) => {
  t.equal(LabelSelector.parse('z=1,a in (c,b),!m,k').toString(), 'a in (b,c),k,!m,z=1');
});

t.test('labels.Parse errors carry apimachinery wording', async (t) => {
  t.equal(parseError('a b'), 'unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt');
  t.equal(parseError('a=b,'), "found '', expected: identifier after ','");
  t.equal(parseError(',a'), "found ',', expected: !, identifier, or 'end of string'");
  t.equal(parseError('a in b'), "unable to parse requirement: found 'b' expected: '('");
  t.equal(parseError('a=(b'), "unable to parse requirement: found '(', expected: identifier");
  t.match(parseError('Bad Key=x'), /^unable to parse requirement: found 'Key', expected: in, notin/);
  t.match(parseError('-a=x'), /^unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters/);
  t.match(parseError('a=-x'), /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-x": a valid label must be an empty string/);
});

t.test('LabelSelectorAsSelector: nil selects nothing, empty selects everything', async (t) => {
  t.equal(LabelSelector.fromStructured(undefined).matches(labels), false);
  t.equal(LabelSelector.fromStructured({}).matches(labels), true);
  const selector = LabelSelector.fromStructured({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['frontend', 'edge'] },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  });
  t.equal(selector.matches(labels), true);
  t.equal(selector.toString(), 'app=web,!canary,tier in (edge,frontend)');
  t.throws(() => LabelSelector.fromStructured({ matchExpressions: [{ key: 'a', operator: 'Near' as 'In' }] }), { message: '"Near" is not a valid label selector operator' });
});

t.test('FormatLabelSelector and FormatLabels print <none> when empty', async (t) => {
  t.equal(formatLabelSelector({}), '<none>');
  t.equal(formatLabelSelector({ matchLabels: { b: '2', a: '1' } }), 'a=1,b=2');
  t.equal(formatLabels({}), '<none>');
  t.equal(formatLabels({ run: 'web', app: 'x' }), 'app=x,run=web');
});

t.test('ValidateLabelSelector: operator rules of the structured form', async (t) => {
  const errors = validateLabelSelector(
    {
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
      ],
    },
    'spec.selector',
  ).map(fieldErrorString);
  t.same(errors, [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  ]);
});
