import t from 'tap';
import { decodeWithSchema as decodeAs } from '../../src/api/schema/decode.js';
import { SCHEMA_DEFINITIONS } from '../../src/api/schema/definitions.js';

const decodeWithSchema = (body: unknown, definitionName: string): ReturnType<typeof decodeAs> =>
  decodeAs(body, { schema: SCHEMA_DEFINITIONS[definitionName]!, definitionName });

t.test('a wrong JSON type is reported the way Go decoding reports it', async (t) => {
  const result = decodeWithSchema({ metadata: { name: 'p' }, spec: { containers: 'nginx' } }, 'io.k8s.api.core.v1.Pod');
  t.same(result.typeErrors, ['json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container']);
  const replicas = decodeWithSchema({ metadata: {}, spec: { replicas: 'three' } }, 'io.k8s.api.apps.v1.Deployment');
  t.same(replicas.typeErrors, ['json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32']);
  const labels = decodeWithSchema({ metadata: { labels: { a: 1 } } }, 'io.k8s.api.core.v1.ConfigMap');
  t.same(labels.typeErrors, ['json: cannot unmarshal number 1 into Go struct field ObjectMeta.metadata.labels.a of type string']);
  t.same(decodeWithSchema([], 'io.k8s.api.core.v1.Pod').typeErrors, ['json: cannot unmarshal array into Go value of type v1.Pod']);
});

t.test('unknown fields are dropped and listed for fieldValidation', async (t) => {
  const result = decodeWithSchema(
    { metadata: { name: 'p', colour: 'red' }, spec: { containers: [{ name: 'c', image: 'i', imagePullPolicyy: 'Always' }], bogus: 1 } },
    'io.k8s.api.core.v1.Pod',
  );
  t.same(result.typeErrors, []);
  t.same(result.unknownFields, ['metadata.colour', 'spec.containers.imagePullPolicyy', 'spec.bogus']);
  t.same(result.value, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
});

t.test('int-or-string, quantities, nulls and opaque parts', async (t) => {
  const result = decodeWithSchema(
    {
      metadata: { name: 's', annotations: null },
      spec: {
        ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }],
        selector: { app: 'x' },
      },
    },
    'io.k8s.api.core.v1.Service',
  );
  t.same(result.typeErrors, []);
  t.same(result.value, { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }], selector: { app: 'x' } } });
  const pod = decodeWithSchema(
    { metadata: {}, spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: 0.5, memory: '1Gi' } }, livenessProbe: { exec: { command: ['true'] } } }] } },
    'io.k8s.api.core.v1.Pod',
  );
  t.same(pod.typeErrors, [], 'cpu: 0.5 is a quantity, probes pass through');
  t.same(pod.unknownFields, []);
  const fraction = decodeWithSchema({ metadata: {}, spec: { replicas: 1.5 } }, 'io.k8s.api.apps.v1.Deployment');
  t.same(fraction.typeErrors, ['json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32']);
});

t.test('a malformed quantity fails decoding with resource.Quantity message', async (t) => {
  const result = decodeWithSchema({ metadata: {}, spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { memory: '1Gb' } } }] } }, 'io.k8s.api.core.v1.Pod');
  t.same(result.typeErrors, ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]);
});
