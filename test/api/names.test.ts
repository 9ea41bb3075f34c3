import t from 'tap';
import {
  isConfigMapKey,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDnsSubdomain,
} from '../../src/api/validation/names.js';

t.test('IsDNS1123Subdomain: kube-apiserver wording for an upper-case name', async (t) => {
  t.same(isDns1123Subdomain('example.com'), []);
  t.same(isDns1123Subdomain('Web'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  t.same(isDns1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
});

t.test('IsDNS1123Label: double space between examples, dots reported alone', async (t) => {
  t.same(isDns1123Label('my-name'), []);
  t.same(isDns1123Label('a.b'), ['must not contain dots']);
  t.same(isDns1123Label('-x'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  t.same(isDns1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
});

t.test('IsDNS1035Label: must start with a letter (Service names)', async (t) => {
  t.same(isDns1035Label('web'), []);
  t.match(isDns1035Label('1web')[0], /^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
});

t.test('IsQualifiedName: prefix and name parts of label keys', async (t) => {
  t.same(isQualifiedName('app.kubernetes.io/name'), []);
  t.same(isQualifiedName('/x'), ['prefix part must be non-empty']);
  t.same(isQualifiedName('a/'), ['name part must be non-empty', "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]);
  t.match(isQualifiedName('a/b/c')[0], /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  t.same(isQualifiedName('Bad_Prefix/x')[0]?.startsWith('prefix part a lowercase RFC 1123 subdomain'), true);
});

t.test('IsValidLabelValue: empty is valid, 64 characters are not', async (t) => {
  t.same(isValidLabelValue(''), []);
  t.same(isValidLabelValue('v1.2_3'), []);
  t.same(isValidLabelValue('x'.repeat(64)), ['must be no more than 63 characters']);
  t.match(isValidLabelValue('-bad')[0], /^a valid label must be an empty string or consist of alphanumeric characters/);
});

t.test('IsConfigMapKey: dots allowed, ".." prefix refused', async (t) => {
  t.same(isConfigMapKey('app.properties'), []);
  t.same(isConfigMapKey('..data'), ["must not start with '..'"]);
  t.match(isConfigMapKey('a b')[0], /^a valid config key must consist of alphanumeric characters/);
});

t.test('NameIsDNSSubdomain with prefix: generateName may end in a dash', async (t) => {
  t.same(nameIsDnsSubdomain('web-', true), []);
  t.not(nameIsDnsSubdomain('web-', false).length, 0);
});
