import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/util/free-port.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');

export interface LabPeer {
  readonly id: string;
  readonly api: string;
  proc: ChildProcess | undefined;
}

/** A lab cluster for chaos runs: every peer a `raftplane peer` process on loopback. */
export class Lab {
  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly peers: LabPeer[],
  ) {}

  static async create(size: number, snapshotEveryEntries = 2000): Promise<Lab> {
    const dir = await mkdtemp(path.join(tmpdir(), 'raftplane-chaos-'));
    const ports = await Promise.all(Array.from({ length: size * 2 + 1 }, () => freePort()));
    const lines = [
      'name: chaos',
      `dataDir: ${path.join(dir, 'data')}`,
      `loadBalancer: { host: 127.0.0.1, port: ${ports[size * 2]} }`,
      `raft: { heartbeatMs: 50, electionTimeoutMs: 500, snapshotEveryEntries: ${snapshotEveryEntries} }`,
      'peers:',
    ];
    const peers: LabPeer[] = [];
    for (let i = 0; i < size; i++) {
      const api = ports[2 * i]!;
      lines.push(`  - { id: p${i + 1}, host: 127.0.0.1, apiPort: ${api}, peerPort: ${ports[2 * i + 1]} }`);
      peers.push({ id: `p${i + 1}`, api: `http://127.0.0.1:${api}`, proc: undefined });
    }
    const configFile = path.join(dir, 'chaos.yaml');
    await writeFile(configFile, `${lines.join('\n')}\n`);
    return new Lab(dir, configFile, peers);
  }

  start(peer: LabPeer): void {
    const log = openSync(path.join(this.dir, `${peer.id}.log`), 'a');
    peer.proc = spawn(process.execPath, [CLI, 'peer', '--config', this.configFile, '--id', peer.id], { stdio: ['ignore', 'ignore', log] });
  }

  kill9(peer: LabPeer): void {
    peer.proc?.kill('SIGKILL');
    peer.proc = undefined;
  }

  /**
   * Runs `raftplane fault ...` against this lab. Returns when the command reported the
   * rules set (its first line of output, printed once the peers have answered), in ms
   * since the epoch: the process's own exit comes later.
   */
  async fault(args: string[]): Promise<number> {
    const child = spawn(process.execPath, [CLI, 'fault', '--config', this.configFile, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let reportedMs: number | undefined;
    child.stdout.once('data', () => (reportedMs = Date.now()));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`raftplane fault ${args.join(' ')} exited ${code}`);
    return reportedMs ?? Date.now();
  }

  async stop(): Promise<void> {
    const running = this.peers.filter((p) => p.proc !== undefined);
    for (const p of running) p.proc!.kill('SIGTERM');
    await Promise.all(running.map((p) => new Promise((resolve) => (p.proc!.exitCode !== null ? resolve(null) : p.proc!.once('exit', resolve)))));
  }
}

