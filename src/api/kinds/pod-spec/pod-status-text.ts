/**
 * The READY, STATUS and RESTARTS cells of `kubectl get pods`, computed as
 * pkg/printers/internalversion printPod does (v1.32): init container progress
 * (`Init:0/2`, `Init:CrashLoopBackOff`), waiting and terminated reasons (`ContainerCreating`,
 * `CrashLoopBackOff`, `Completed`, `Error`), `Terminating` and `Unknown` for deleted pods,
 * and restarts with the age of the last one (`3 (2m ago)`).
 */
import { ageOf } from '../../duration.js';
import type { Container, ContainerStatus, Pod } from './types.js';

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

const isRestartableInit = (container: Container | undefined): boolean => container?.restartPolicy === 'Always';
const later = (a: string, b: string | undefined): string => (b !== undefined && (a === '' || Date.parse(b) > Date.parse(a)) ? b : a);

function terminatedText(terminated: NonNullable<NonNullable<ContainerStatus['state']>['terminated']>, prefix: string): string {
  if (terminated.reason) return `${prefix}${terminated.reason}`;
  if (terminated.signal) return `${prefix}Signal:${terminated.signal}`;
  return `${prefix}ExitCode:${terminated.exitCode}`;
}

export function summarizePod(pod: Pod, nowMs: number): PodSummary {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const initSpecs = new Map((spec.initContainers ?? []).map((c) => [c.name, c] as const));
  let totalContainers = (spec.containers ?? []).length + [...initSpecs.values()].filter(isRestartableInit).length;
  let readyContainers = 0;
  let restarts = 0;
  let restartableRestarts = 0;
  let lastRestart = '';
  let lastRestartableRestart = '';
  let reason = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i] as ContainerStatus;
    const restartable = isRestartableInit(initSpecs.get(container.name));
    restarts += container.restartCount ?? 0;
    lastRestart = later(lastRestart, container.lastState?.terminated?.finishedAt);
    if (restartable) {
      restartableRestarts += container.restartCount ?? 0;
      lastRestartableRestart = later(lastRestartableRestart, container.lastState?.terminated?.finishedAt);
    }
    const { terminated, waiting } = container.state ?? {};
    if (terminated !== undefined && terminated.exitCode === 0) continue;
    if (restartable && container.started === true) {
      if (container.ready) readyContainers++;
      continue;
    }
    if (terminated !== undefined) reason = terminatedText(terminated, 'Init:');
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }

  const initialized = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i] as ContainerStatus;
      restarts += container.restartCount ?? 0;
      lastRestart = later(lastRestart, container.lastState?.terminated?.finishedAt);
      const { terminated, waiting, running } = container.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated !== undefined) reason = terminatedText(terminated, '');
      else if (container.ready && running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  totalContainers = Math.max(totalContainers, 0);
  const restartsText = restarts !== 0 && lastRestart !== '' ? `${restarts} (${ageOf(lastRestart, nowMs)} ago)` : String(restarts);
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}
