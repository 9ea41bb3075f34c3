/**
 * Differential test: label selector parse errors compared with the real kubectl, whose
 * `set selector --local` runs apimachinery's labels.Parse offline.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isApiModelError } from '../../src/api/errors.js';
import { LabelSelector } from '../../src/api/selectors/label-selector.js';

const BAD_SELECTORS = ['a b', 'a=b,', ',a', 'a in b', 'a=-x', 'a_=x', 'x/y/z=1', 'a in (b', 'a>x', 'a=b c', 'a=(b', '=a', 'a in (b,c', '!a=b'];

function kubectlError(file: string, selector: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('kubectl', ['set', 'selector', '--local', '-f', file, '-o', 'json', selector], { timeout: 20_000, env: { ...process.env, KUBECONFIG: '/dev/null' } }, (_error, _stdout, stderr) => {
      const line = stderr.split('\n').find((l) => l.startsWith('error: ')) ?? '';
      resolve(line.replace(`error: couldn't parse the selector string ${JSON.stringify(selector)}: `, ''));
    });
  });
}

function ourError(selector: string): string {
  try {
    LabelSelector.parse(selector);
    return '';
  } catch (error) {
    if (isApiModelError(error, 'API_LABEL_SELECTOR_INVALID')) return error.message;
    throw error;
  }
}

t.test('labels.Parse error messages agree with kubectl', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'raftplane-selector-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'service.json');
  await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }));
  for (const selector of BAD_SELECTORS) {
    const expected = await kubectlError(file, selector);
    t.not(expected, '', `kubectl refuses ${selector}`);
    t.equal(ourError(selector), expected, selector);
  }
});
