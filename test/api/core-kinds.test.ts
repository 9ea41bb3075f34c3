import t from 'tap';
import { fieldErrorString } from '../../src/api/field-errors.js';
import { bootstrapObjects } from '../../src/api/bootstrap.js';
import { configMapKind } from '../../src/api/kinds/config-map.js';
import { endpointsKind } from '../../src/api/kinds/endpoints.js';
import { eventKind } from '../../src/api/kinds/event.js';
import { leaseKind } from '../../src/api/kinds/lease.js';
import { namespaceKind } from '../../src/api/kinds/namespace.js';
import { type Node, nodeKind } from '../../src/api/kinds/node.js';
import { secretKind } from '../../src/api/kinds/secret.js';
import { serviceAccountKind } from '../../src/api/kinds/service-account.js';
import { type Service, serviceKind } from '../../src/api/kinds/service.js';
import type { KindDeclaration } from '../../src/api/kind.js';
import type { KubeObject } from '../../src/api/object.js';
import { admit, ago, narrowRow, row } from './fixtures/objects.js';

const messages = (declaration: KindDeclaration, obj: KubeObject, old?: KubeObject): string[] => declaration.validate(obj, old).map(fieldErrorString);

function service(spec: Record<string, unknown>, name = 'web'): Service {
  return admit(serviceKind, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec }) as Service;
}

t.test('Service defaults: ClusterIP, sessionAffinity None, TCP, targetPort = port', async (t) => {
  const svc = service({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  t.same(svc.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
  });
  const nodePort = service({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] });
  t.equal(nodePort.spec?.externalTrafficPolicy, 'Cluster');
  t.equal(nodePort.spec?.ports?.[0]?.targetPort, 'http');
});

t.test('ValidateService: name is a DNS-1035 label; ports, names, types', async (t) => {
  t.match(messages(serviceKind, service({ ports: [{ port: 80 }] }, '1web'))[0], /^metadata\.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters/);
  t.same(messages(serviceKind, service({})), ['spec.ports: Required value']);
  t.same(messages(serviceKind, service({ clusterIP: 'None' })), [], 'headless services need no ports');
  t.same(messages(serviceKind, service({ ports: [{ port: 80 }, { port: 443 }] })), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']);
  t.same(messages(serviceKind, service({ ports: [{ port: 0, nodePort: 30000 }] })), [
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  ]);
  t.same(messages(serviceKind, service({ type: 'Magic', ports: [{ port: 1 }] })), [
    'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
});

t.test('ValidateServiceUpdate: spec.clusterIPs may not change once set', async (t) => {
  const old = service({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' });
  old.metadata.resourceVersion = '4';
  const changed = structuredClone(old);
  changed.spec!.clusterIP = 'None';
  changed.spec!.clusterIPs = ['None'];
  t.same(messages(serviceKind, changed, old), ['spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set']);
});

t.test('printService: TYPE CLUSTER-IP EXTERNAL-IP PORT(S) and SELECTOR', async (t) => {
  const svc = service({ selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }], type: 'NodePort', clusterIP: '10.96.0.5' });
  t.same(row(serviceKind, svc), ['web', 'NodePort', '10.96.0.5', '<none>', '80:30080/TCP', '60s', 'app=web']);
  const lb = service({ ports: [{ port: 443 }], type: 'LoadBalancer', clusterIP: '10.96.0.6' });
  t.equal(narrowRow(serviceKind, lb)[3], '<pending>');
  lb.status = { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } };
  t.equal(narrowRow(serviceKind, lb)[3], '203.0.113.9');
  const external = service({ type: 'ExternalName', externalName: 'db.example.com' });
  t.same(narrowRow(serviceKind, external).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
});

function node(labels: Record<string, string>, extra: Partial<Node> = {}): Node {
  return admit(nodeKind, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'node-1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'raftplane sim', kernelVersion: '6.1.0', containerRuntimeVersion: 'sim://1.0' },
      capacity: { cpu: '4', pods: '110' },
    },
    ...extra,
  }) as Node;
}

t.test('printNode: Ready,SchedulingDisabled for a cordoned node; roles from labels', async (t) => {
  const ready = node({ 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge' });
  t.same(row(nodeKind, ready), ['node-1', 'Ready', 'control-plane,edge', '60s', 'v1.32.0', '10.0.0.1', '<none>', 'raftplane sim', '6.1.0', 'sim://1.0']);
  const cordoned = node({}, { spec: { unschedulable: true } });
  t.same(narrowRow(nodeKind, cordoned).slice(1, 3), ['Ready,SchedulingDisabled', '<none>']);
  const notReady = node({});
  notReady.status!.conditions = [{ type: 'Ready', status: 'Unknown' }];
  t.equal(narrowRow(nodeKind, notReady)[1], 'NotReady');
  delete notReady.status!.conditions;
  t.equal(narrowRow(nodeKind, notReady)[1], 'Unknown');
  t.same(ready.status?.allocatable, { cpu: '4', pods: '110' }, 'allocatable defaults to capacity');
  t.same(ready.status?.conditions, [{ type: 'Ready', status: 'True' }], 'a kubelet registers with status');
});

t.test('Namespace: DNS-1123 label names, phase Active, name label, kubernetes finalizer', async (t) => {
  const ns = admit(namespaceKind, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  t.same(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  t.same(ns['status'], { phase: 'Active' });
  t.same(ns['spec'], { finalizers: ['kubernetes'] });
  t.same(row(namespaceKind, ns), ['team-a', 'Active', '60s']);
  t.same(messages(namespaceKind, admit(namespaceKind, { metadata: { name: 'a.b' } })), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  t.same(messages(namespaceKind, admit(namespaceKind, { metadata: { name: 'x', namespace: 'y' } })), ['metadata.namespace: Forbidden: not allowed on this type']);
});

t.test('bootstrap: default, kube-system, kube-public and kube-node-lease', async (t) => {
  const objects = bootstrapObjects();
  t.same(objects.map((o) => o.metadata.name), ['default', 'kube-system', 'kube-public', 'kube-node-lease']);
  for (const ns of objects) {
    t.same(ns.status, { phase: 'Active' });
    t.same(messages(namespaceKind, ns), []);
  }
});

t.test('ConfigMap and Secret: keys, immutability, stringData, typed secrets', async (t) => {
  const cm = admit(configMapKind, { metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.properties': 'a=1', b: '2' } });
  t.same(row(configMapKind, cm), ['cfg', 2, '60s']);
  const badKey = admit(configMapKind, { metadata: { name: 'cfg', namespace: 'default' }, data: { 'a b': '' } });
  t.match(messages(configMapKind, badKey), [/^data\[a b\]: Invalid value: "a b": a valid config key must consist of alphanumeric characters/]);
  const frozen = { ...cm, immutable: true, metadata: { ...cm.metadata, resourceVersion: '1' } };
  t.same(messages(configMapKind, { ...frozen, data: { b: '3' } }, frozen), ['data: Forbidden: field is immutable when `immutable` is set']);

  const secret = admit(secretKind, { metadata: { name: 's', namespace: 'default' }, stringData: { password: 'hunter2' } });
  t.same(secret['data'], { password: Buffer.from('hunter2').toString('base64') });
  t.equal(secret['stringData'], undefined);
  t.equal(secret['type'], 'Opaque');
  t.same(row(secretKind, secret), ['s', 'Opaque', 1, '60s']);
  const tls = admit(secretKind, { metadata: { name: 't', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } });
  t.same(messages(secretKind, tls), ['data[tls.key]: Required value']);
  const retyped = { ...secret, type: 'kubernetes.io/basic-auth', metadata: { ...secret.metadata, resourceVersion: '1' } };
  t.same(messages(secretKind, retyped, secret), ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
});

t.test('printEvent, printEndpoints, printLease, printServiceAccount', async (t) => {
  const event = admit(eventKind, {
    metadata: { name: 'web.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    message: ' Successfully pulled image ',
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(300),
    lastTimestamp: ago(10),
    count: 3,
  });
  t.same(row(eventKind, event), ['10s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, node-1', 'Successfully pulled image', '5m', 3, 'web.1']);
  t.same(messages(eventKind, { ...event, involvedObject: { kind: 'Pod', name: 'x', namespace: 'other' } }), [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
  ]);

  const endpoints = admit(endpointsKind, {
    metadata: { name: 'web', namespace: 'default' },
    subsets: [{ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip })), ports: [{ port: 8080 }] }],
  });
  t.same(row(endpointsKind, endpoints), ['web', '10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...', '60s']);
  t.same(row(endpointsKind, admit(endpointsKind, { metadata: { name: 'e', namespace: 'default' } })), ['e', '<none>', '60s']);

  const lease = admit(leaseKind, { metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'p1_abc', leaseDurationSeconds: 15 } });
  t.same(row(leaseKind, lease), ['kube-scheduler', 'p1_abc', '60s']);
  t.same(messages(leaseKind, { ...lease, spec: { leaseDurationSeconds: 0 } }), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);

  const sa = admit(serviceAccountKind, { metadata: { name: 'default', namespace: 'default' } });
  t.same(row(serviceAccountKind, sa), ['default', 0, '60s']);
});

t.test('Service update: allocated clusterIP and nodePorts carried over when left out (kubectl replace)', async (t) => {
  const old = service({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }], clusterIP: '10.96.0.7', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  old.metadata.resourceVersion = '9';
  const replaced = structuredClone(old);
  replaced.spec = { type: 'NodePort', ports: [{ name: 'http', port: 80 }], selector: { app: 'web' } };
  serviceKind.defaults(replaced);
  serviceKind.prepareForUpdate(replaced, old);
  t.match(replaced.spec, { clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ nodePort: 30080 }] });
  t.same(messages(serviceKind, replaced, old), []);
  const toClusterIp = structuredClone(old);
  toClusterIp.spec!.type = 'ClusterIP';
  serviceKind.prepareForUpdate(toClusterIp, old);
  t.equal(toClusterIp.spec?.ports?.[0]?.nodePort, undefined, 'node ports dropped when the type no longer uses them');
  const toExternal = structuredClone(old);
  toExternal.spec = { ...toExternal.spec, type: 'ExternalName', externalName: 'db.example.com' };
  serviceKind.prepareForUpdate(toExternal, old);
  t.equal(toExternal.spec?.clusterIP, undefined);
  t.same(messages(serviceKind, toExternal, old).filter((m) => m.startsWith('spec.clusterIP')), []);
});

t.test('legacyValidateEvent: events about cluster-scoped objects live in default', async (t) => {
  const nodeEvent = (namespace: string): KubeObject =>
    admit(eventKind, { metadata: { name: 'n.1', namespace }, involvedObject: { kind: 'Node', name: 'node-1' }, reason: 'NodeReady', type: 'Normal' });
  t.same(messages(eventKind, nodeEvent('default')), []);
  t.same(messages(eventKind, nodeEvent('team-a')), ['involvedObject.namespace: Invalid value: "": does not match event.namespace']);
});
