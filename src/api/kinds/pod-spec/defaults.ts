/**
 * Pod spec defaults of pkg/apis/core/v1/defaults.go (v1.32), applied to pods and to every
 * pod template (Deployment, ReplicaSet, DaemonSet, StatefulSet, Job). kubectl apply and
 * kubectl diff compare against these, so each value here is what kube-apiserver stores.
 */
import type { Container, PodSpec, PodTemplateSpec, Probe, Volume } from './types.js';

const DEFAULT_FILE_MODE = 0o644;

/** SetDefaults_Container's image rule: `:latest` or no tag pulls Always, anything else IfNotPresent. */
export function defaultImagePullPolicy(image: string | undefined): string {
  if (image === undefined || image.length === 0) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: Probe | undefined): void {
  if (probe === undefined) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet !== undefined) {
    probe.httpGet.path ??= '/';
    probe.httpGet.scheme ??= 'HTTP';
  }
}

/** Requests default to limits (SetDefaults_Pod does this for each container). */
function defaultResources(container: Container): void {
  container.resources ??= {};
  const { limits } = container.resources;
  if (limits === undefined) return;
  const requests = (container.resources.requests ??= {});
  for (const [resource, amount] of Object.entries(limits)) requests[resource] ??= amount;
}

export function defaultContainer(container: Container, hostNetwork: boolean): void {
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  container.imagePullPolicy ??= defaultImagePullPolicy(container.image);
  for (const port of container.ports ?? []) {
    port.protocol ??= 'TCP';
    // With host networking the container port is the host port.
    if (hostNetwork) port.hostPort ??= port.containerPort;
  }
  for (const env of container.env ?? []) {
    if (env.valueFrom?.fieldRef !== undefined) env.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
  defaultResources(container);
}

function defaultVolume(volume: Volume): void {
  const sources = Object.keys(volume).filter((k) => k !== 'name');
  if (sources.length === 0) volume['emptyDir'] = {};
  if (volume.secret !== undefined) volume.secret.defaultMode ??= DEFAULT_FILE_MODE;
  if (volume.configMap !== undefined) volume.configMap.defaultMode ??= DEFAULT_FILE_MODE;
}

export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  if (spec.serviceAccountName === undefined && spec.serviceAccount !== undefined) spec.serviceAccountName = spec.serviceAccount;
  const hostNetwork = spec.hostNetwork === true;
  if (Array.isArray(spec.containers)) for (const container of spec.containers) defaultContainer(container, hostNetwork);
  for (const container of spec.initContainers ?? []) defaultContainer(container, hostNetwork);
  for (const volume of spec.volumes ?? []) defaultVolume(volume);
}

/** Templates also get `creationTimestamp: null` in metadata, as the Go struct serializes it. */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (template === undefined) return;
  template.metadata ??= {};
  if (template.metadata.creationTimestamp === undefined) template.metadata.creationTimestamp = null;
  if (template.spec !== undefined) defaultPodSpec(template.spec);
}
