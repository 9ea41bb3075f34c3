import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startK8sServer } from './fixtures/k8s-server.js';
import { ServiceAllocator } from '../../src/apiserver/k8s/service-allocator.js';

const run = promisify(execFile);

t.test('the default kubernetes Service and its Endpoints exist from the first start', async (t) => {
  const server = await startK8sServer({ apiEndpoint: { host: '127.0.0.1', port: 6443 } });
  t.teardown(() => server.close());
  const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', server.kubeconfigPath, ...args])).stdout;
  const svc = JSON.parse(await kubectl('get', 'service', 'kubernetes', '-n', 'default', '-o', 'json')) as {
    metadata: { labels: Record<string, string> };
    spec: { clusterIP: string; type: string; ports: { name: string; port: number; targetPort: number; protocol: string }[] };
  };
  t.equal(svc.spec.clusterIP, '10.96.0.1', 'the first address of the service range');
  t.equal(svc.spec.type, 'ClusterIP');
  t.same(svc.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
  t.same(svc.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
  t.match(await kubectl('get', 'endpoints', 'kubernetes', '-n', 'default'), /^kubernetes\s+127\.0\.0\.1:6443\s+/m);
  t.match(await kubectl('get', 'services', '-n', 'default'), /^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+/m);
});

t.test('random ClusterIPs never take the first address, which the kubernetes Service holds', async (t) => {
  const allocator = new ServiceAllocator({ serviceCidr: '10.0.0.0/29', nodePortMin: 30000, nodePortMax: 32767 });
  t.equal(allocator.firstIp, '10.0.0.1');
  const seen = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const spec: Record<string, unknown> = { ports: [{ port: 80 }] };
    allocator.allocate({ apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: 'default' }, spec }, undefined);
    seen.add(String(spec['clusterIP']));
  }
  t.same([...seen].sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'], 'every other usable address, never .1 nor the broadcast');
});
