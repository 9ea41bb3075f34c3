/**
 * Pod spec validation of pkg/apis/core/validation (ValidatePodSpec and its helpers), with
 * kube-apiserver's field paths and messages. Shared by pods and every pod template.
 */
import {
  child,
  duplicate,
  type FieldError,
  index,
  invalid,
  key,
  notFound,
  notSupported,
  required,
} from '../../field-errors.js';
import { compareQuantities, parseQuantity, type Quantity, QUANTITY_FORMAT_MESSAGE } from '../../quantity.js';
import { IS_NEGATIVE } from '../../validation/object-meta.js';
import {
  inclusiveRangeError,
  isDns1123Label,
  isDns1123Subdomain,
  isValidPortName,
  isValidPortNum,
} from '../../validation/names.js';
import type { Container, PodSpec } from './types.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const INT32_MAX = 2147483647;
const RELAXED_ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;

function validateEnum(value: string | undefined, path: string, allowed: readonly string[]): FieldError[] {
  if (value === undefined || value === '') return [required(path)];
  return allowed.includes(value) ? [] : [notSupported(path, value, allowed)];
}

function validatePorts(container: Container, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  (container.ports ?? []).forEach((port, i) => {
    const at = index(path, i);
    if (port.name !== undefined && port.name !== '') {
      for (const message of isValidPortName(port.name)) errors.push(invalid(child(at, 'name'), port.name, message));
      if (names.has(port.name)) errors.push(duplicate(child(at, 'name'), port.name));
      names.add(port.name);
    }
    if (port.containerPort === 0 || port.containerPort === undefined) errors.push(required(child(at, 'containerPort')));
    else for (const message of isValidPortNum(port.containerPort)) errors.push(invalid(child(at, 'containerPort'), port.containerPort, message));
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      for (const message of isValidPortNum(port.hostPort)) errors.push(invalid(child(at, 'hostPort'), port.hostPort, message));
    }
    errors.push(...validateEnum(port.protocol, child(at, 'protocol'), PROTOCOLS));
  });
  return errors;
}

function validateEnv(container: Container, path: string): FieldError[] {
  const errors: FieldError[] = [];
  (container.env ?? []).forEach((env, i) => {
    const at = child(index(path, i), 'name');
    if (!env.name) errors.push(required(at));
    // RelaxedEnvironmentVariableValidation is on by default in v1.32.
    else if (!RELAXED_ENV_NAME.test(env.name)) {
      errors.push(invalid(at, env.name, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
    }
  });
  return errors;
}

/** ValidateResourceRequirements: quantities non-negative, each request at most its limit. */
function validateResources(container: Container, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const parsed = (amount: string | number, at: string): Quantity | undefined => {
    try {
      const quantity = parseQuantity(amount);
      if (quantity.milli < 0n) errors.push(invalid(at, quantity.text, IS_NEGATIVE));
      return quantity;
    } catch {
      errors.push(invalid(at, String(amount), QUANTITY_FORMAT_MESSAGE));
      return undefined;
    }
  };
  const limits = container.resources?.limits ?? {};
  const limitQuantities = new Map<string, Quantity | undefined>();
  for (const [resource, amount] of Object.entries(limits)) limitQuantities.set(resource, parsed(amount, key(child(path, 'limits'), resource)));
  for (const [resource, amount] of Object.entries(container.resources?.requests ?? {})) {
    const request = parsed(amount, key(child(path, 'requests'), resource));
    const limit = limitQuantities.get(resource);
    if (request !== undefined && limit !== undefined && compareQuantities(request, limit) > 0) {
      errors.push(invalid(child(path, 'requests'), request.text, `must be less than or equal to ${resource} limit of ${limit.text}`));
    }
  }
  return errors;
}

function validateVolumeMounts(container: Container, path: string, volumes: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  const mountPaths = new Set<string>();
  (container.volumeMounts ?? []).forEach((mount, i) => {
    const at = index(path, i);
    if (!mount.name) errors.push(required(child(at, 'name')));
    else if (!volumes.has(mount.name)) errors.push(notFound(child(at, 'name'), mount.name));
    if (!mount.mountPath) errors.push(required(child(at, 'mountPath')));
    else if (mountPaths.has(mount.mountPath)) errors.push(invalid(child(at, 'mountPath'), mount.mountPath, 'must be unique'));
    if (mount.mountPath) mountPaths.add(mount.mountPath);
  });
  return errors;
}

function validateContainers(
  containers: readonly Container[] | undefined,
  path: string,
  context: { volumes: ReadonlySet<string>; names: Set<string> },
): FieldError[] {
  const errors: FieldError[] = [];
  (containers ?? []).forEach((container, i) => {
    const at = index(path, i);
    if (!container.name) errors.push(required(child(at, 'name')));
    else {
      for (const message of isDns1123Label(container.name)) errors.push(invalid(child(at, 'name'), container.name, message));
      if (context.names.has(container.name)) errors.push(duplicate(child(at, 'name'), container.name));
      context.names.add(container.name);
    }
    if (!container.image) errors.push(required(child(at, 'image')));
    else if (container.image.trim() !== container.image) {
      errors.push(invalid(child(at, 'image'), container.image, 'must not have leading or trailing whitespace'));
    }
    errors.push(...validatePorts(container, child(at, 'ports')));
    errors.push(...validateEnv(container, child(at, 'env')));
    errors.push(...validateVolumeMounts(container, child(at, 'volumeMounts'), context.volumes));
    errors.push(...validateResources(container, child(at, 'resources')));
    errors.push(...validateEnum(container.imagePullPolicy, child(at, 'imagePullPolicy'), PULL_POLICIES));
    errors.push(...validateEnum(container.terminationMessagePolicy, child(at, 'terminationMessagePolicy'), TERMINATION_MESSAGE_POLICIES));
  });
  return errors;
}

function validateVolumes(spec: PodSpec, path: string): { errors: FieldError[]; names: Set<string> } {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  (spec.volumes ?? []).forEach((volume, i) => {
    const at = child(index(path, i), 'name');
    if (!volume.name) errors.push(required(at));
    else {
      for (const message of isDns1123Label(volume.name)) errors.push(invalid(at, volume.name, message));
      if (names.has(volume.name)) errors.push(duplicate(at, volume.name));
      names.add(volume.name);
    }
  });
  return { errors, names };
}

function validateTolerations(spec: PodSpec, path: string): FieldError[] {
  const errors: FieldError[] = [];
  (spec.tolerations ?? []).forEach((toleration, i) => {
    const at = index(path, i);
    const operator = toleration.operator ?? 'Equal';
    if (operator !== 'Equal' && operator !== 'Exists') errors.push(notSupported(child(at, 'operator'), operator, ['Equal', 'Exists']));
    if (operator === 'Exists' && toleration.value) errors.push(invalid(child(at, 'operator'), toleration, 'value must be empty when `operator` is \'Exists\''));
    if (!toleration.key && operator !== 'Exists') errors.push(invalid(child(at, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (toleration.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(toleration.effect)) {
      errors.push(notSupported(child(at, 'effect'), toleration.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
    }
  });
  return errors;
}

/** ValidatePodSpec: `path` is `spec` for a pod, `spec.template.spec` for a template. */
export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  if (spec === undefined) return [required(path)];
  const volumes = validateVolumes(spec, child(path, 'volumes'));
  const errors = [...volumes.errors];
  const context = { volumes: volumes.names, names: new Set<string>() };
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errors.push(required(child(path, 'containers')));
  errors.push(...validateContainers(spec.initContainers, child(path, 'initContainers'), context));
  errors.push(...validateContainers(spec.containers, child(path, 'containers'), context));
  errors.push(...validateEnum(spec.restartPolicy, child(path, 'restartPolicy'), RESTART_POLICIES));
  errors.push(...validateEnum(spec.dnsPolicy, child(path, 'dnsPolicy'), DNS_POLICIES));
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    errors.push(invalid(child(path, 'terminationGracePeriodSeconds'), spec.terminationGracePeriodSeconds, IS_NEGATIVE));
  }
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && (deadline < 1 || deadline > INT32_MAX)) {
    errors.push(invalid(child(path, 'activeDeadlineSeconds'), deadline, inclusiveRangeError(1, INT32_MAX)));
  }
  if (spec.nodeName) for (const message of isDns1123Subdomain(spec.nodeName)) errors.push(invalid(child(path, 'nodeName'), spec.nodeName, message));
  if (spec.serviceAccountName) {
    for (const message of isDns1123Subdomain(spec.serviceAccountName)) errors.push(invalid(child(path, 'serviceAccountName'), spec.serviceAccountName, message));
  }
  errors.push(...validateTolerations(spec, child(path, 'tolerations')));
  return errors;
}
