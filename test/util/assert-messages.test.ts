import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { AssertionError, assert, assertionFailed } from '../../src/util/assert.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}

t.test('assertionFailed throws an AssertionError; assert only when its condition is false', async (t) => {
  t.throws(() => assertionFailed('broken'), new AssertionError('broken'));
  t.throws(() => assert(false, 'no'), AssertionError);
  t.doesNotThrow(() => assert(true, 'yes'));
});

t.test('no assert() builds its message on every call', async (t) => {
  // A template literal passed to assert() is built whether or not the assertion holds;
  // on the paths every message and entry takes, that is garbage per call. Such asserts
  // are written `if (!condition) assertionFailed(`…`)` instead.
  const offenders: string[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bassert\(((?:[^;()]|\([^;()]*\))*?),\s*`/g)) {
      const line = text.slice(0, match.index).split('\n').length;
      offenders.push(`${path.relative(SRC, file)}:${line}`);
    }
  }
  t.same(offenders, [], 'asserts with template-literal messages');
});
