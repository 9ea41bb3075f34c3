/**
 * The bodies the real kubectl sends for `kubectl create ... ` (captured offline with
 * --dry-run=client) decode cleanly, default, and validate without a single error.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { fieldErrorString } from '../../src/api/field-errors.js';
import { defaultKindRegistry } from '../../src/api/kinds/index.js';
import type { KubeObject } from '../../src/api/object.js';
import { decodeWithSchema } from '../../src/api/schema/decode.js';

const run = promisify(execFile);
const registry = defaultKindRegistry();

const COMMANDS = [
  ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'],
  ['create', 'deployment', 'multi', '--image=nginx', '--image=busybox:1.36'],
  ['create', 'service', 'clusterip', 'web', '--tcp=80:8080'],
  ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'],
  ['create', 'service', 'externalname', 'ext', '--external-name=db.example.com'],
  ['create', 'job', 'pi', '--image=perl'],
  ['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b.txt=two'],
  ['create', 'secret', 'generic', 's', '--from-literal=password=hunter2'],
  ['create', 'secret', 'docker-registry', 'reg', '--docker-username=u', '--docker-password=p', '--docker-server=r.example.com'],
  ['create', 'namespace', 'team-a'],
  ['create', 'serviceaccount', 'robot'],
];

t.test('kubectl create --dry-run=client bodies pass decode, defaults and validation', async (t) => {
  for (const args of COMMANDS) {
    const { stdout } = await run('kubectl', [...args, '--dry-run=client', '-o', 'json'], { timeout: 20_000, env: { ...process.env, KUBECONFIG: '/dev/null' } });
    const body = JSON.parse(stdout) as KubeObject;
    const declaration = registry.byApiVersionKind(body.apiVersion ?? '', body.kind ?? '');
    if (declaration === undefined) {
      t.fail(`no declaration for ${body.apiVersion}/${body.kind}`);
      continue;
    }
    const decoded = decodeWithSchema(body, declaration);
    t.same(decoded.typeErrors, [], `${args.join(' ')}: type errors`);
    t.same(decoded.unknownFields, [], `${args.join(' ')}: unknown fields`);
    const obj = decoded.value as KubeObject;
    if (declaration.namespaced) obj.metadata.namespace = 'default';
    declaration.defaults(obj);
    obj.metadata.uid = '0e9f3c1a-1111-2222-3333-444455556666';
    obj.metadata.creationTimestamp = '2026-01-10T12:00:00Z';
    declaration.prepareForCreate(obj);
    t.same(declaration.validate(obj).map(fieldErrorString), [], `${args.join(' ')}: validation`);
  }
});
