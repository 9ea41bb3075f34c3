import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This command's own entry point, so children run the same build. */
export const CLI_ENTRY = fileURLToPath(new URL('./main.js', import.meta.url));

export interface PeerLaunch {
  readonly id: string;
  readonly configFile: string;
  readonly dataDir: string;
  readonly initialClusterState?: 'new' | 'existing';
}

export interface PeerExit {
  readonly id: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the exit was asked for by stopAll(). */
  readonly expected: boolean;
}

/**
 * Node flags for the peers started here, all on this machine. They share its cores with
 * one another (and, in a lab, with the clients), so V8's parallel scavenger would make
 * each young-generation pause wait for helper threads that find no idle core; scavenging
 * on the peer's own thread is shorter (docs/benchmarks.md, ninth session). A peer run on
 * a host of its own (`raftplane peer`, the argv below) keeps V8's default.
 */
export const LOCAL_PEER_NODE_FLAGS: readonly string[] = ['--no-parallel-scavenge'];

/** The argv that runs one peer; printed as-is when the peer belongs on another host. */
export function peerArgs(launch: PeerLaunch): string[] {
  return [
    CLI_ENTRY,
    'peer',
    '--config',
    path.resolve(launch.configFile),
    '--id',
    launch.id,
    '--data-dir',
    launch.dataDir,
    ...(launch.initialClusterState !== undefined ? ['--initial-cluster-state', launch.initialClusterState] : []),
  ];
}

/** Where a peer child's stderr (its JSON log) goes. */
export function peerLogPath(dataDir: string, id: string): string {
  return path.join(dataDir, id, 'peer.log');
}

/**
 * Runs peers as child processes, each with its log appended to <dataDir>/<id>/peer.log.
 * A child that dies on its own is reported, never restarted: chaos tests kill peers
 * on purpose and expect them to stay down until they restart them.
 */
export class PeerSupervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  /** Every peer this supervisor has started, running or not. */
  readonly launched = new Set<string>();

  constructor(private readonly onExit: (exit: PeerExit) => void) {}

  start(launch: PeerLaunch, options: { detached?: boolean } = {}): ChildProcess {
    const logPath = peerLogPath(launch.dataDir, launch.id);
    mkdirSync(path.dirname(logPath), { recursive: true });
    const logFd = openSync(logPath, 'a');
    const child = spawn(process.execPath, [...LOCAL_PEER_NODE_FLAGS, ...peerArgs(launch)], { stdio: ['ignore', 'ignore', logFd], detached: options.detached === true });
    closeSync(logFd); // the child holds its own copy
    if (options.detached === true) {
      child.unref();
      return child;
    }
    this.launched.add(launch.id);
    this.children.set(launch.id, child);
    child.once('exit', (code, signal) => {
      this.children.delete(launch.id);
      this.onExit({ id: launch.id, code, signal, expected: this.stopping });
    });
    return child;
  }

  get running(): string[] {
    return [...this.children.keys()];
  }

  pidOf(id: string): number | undefined {
    return this.children.get(id)?.pid;
  }

  /** SIGTERM to every child, then SIGKILL to those still running after graceMs. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    const exits = [...this.children.values()].map((child) => stopChild(child, graceMs));
    await Promise.all(exits);
  }
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)));
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) {
    child.kill('SIGKILL');
    await exited;
  }
}
