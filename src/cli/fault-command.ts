import https from 'node:https';
import type { Command } from 'commander';
import { loadClusterCredentials } from '../apiserver/security/index.js';
import { ADMIN_FAULTS_PATH } from '../apiserver/admin-faults.js';
import { hostForUrl, loadClusterConfig, type ClusterConfig, type PeerSpec } from './cluster-config.js';
import { CliError } from './cli-error.js';
import { runCliCommand } from './cluster-commands.js';

interface FaultOptions {
  config: string;
  dataDir?: string;
  peer?: string;
  rules?: string;
  list?: boolean;
  clear?: boolean;
  isolate?: string;
  heal?: boolean;
}

/**
 * `raftplane fault`: switch chaos faults on peers' links at run time through each
 * peer's authenticated /admin/faults endpoint (the cluster's admin token, over TLS).
 */
export function registerFaultCommand(program: Command): void {
  program
    .command('fault')
    .description('drop, delay or cut traffic between peers at run time (chaos testing)')
    .requiredOption('--config <file>', 'cluster config (YAML)')
    .option('--data-dir <dir>', 'cluster data dir (holds the CA and admin token)')
    .option('--peer <id>', 'the peer whose links the rules apply to')
    .option('--rules <json>', 'replace the peer\'s rules, e.g. \'[{"peer":"p2","direction":"both","cut":true}]\'')
    .option('--list', 'print the rules in force (on --peer, or every peer)')
    .option('--clear', 'remove the rules on --peer')
    .option('--isolate <id>', 'cut one peer off from every other peer, both ways')
    .option('--heal', 'remove every rule on every peer')
    .action((options: FaultOptions) =>
      runCliCommand(async () => {
        const config = loadClusterConfig(options.config, options.dataDir);
        process.stdout.write(await runFault(config, options));
        return 0;
      }),
    );
}

async function runFault(config: ClusterConfig, options: FaultOptions): Promise<string> {
  const credentials = await loadClusterCredentials(config.dataDir);
  const call = (peer: PeerSpec, method: string, body?: unknown): Promise<unknown> =>
    adminRequest(peer, method, credentials.ca.certificatePem, credentials.adminToken, body);
  if (options.heal === true) {
    const results = await Promise.allSettled(config.peers.map((p) => call(p, 'DELETE')));
    return results.map((r, i) => `${config.peers[i]!.id}: ${r.status === 'fulfilled' ? 'healed' : `unreachable (${String(r.reason)})`}\n`).join('');
  }
  if (options.isolate !== undefined) {
    const target = peerById(config, options.isolate);
    await call(target, 'PUT', [{ peer: '*', direction: 'both', cut: true }]);
    return `${target.id}: cut off from every peer, both ways (undo with --heal)\n`;
  }
  if (options.list === true && options.peer === undefined) {
    const lines = await Promise.all(config.peers.map(async (p) => `${p.id}: ${JSON.stringify(await call(p, 'GET').catch((e: Error) => `unreachable (${e.message})`))}`));
    return `${lines.join('\n')}\n`;
  }
  if (options.peer === undefined) throw new CliError('CLI_USAGE', 'say which peer: --peer ID (or use --isolate ID, --heal, --list)');
  const peer = peerById(config, options.peer);
  if (options.clear === true) return `${JSON.stringify(await call(peer, 'DELETE'))}\n`;
  if (options.rules !== undefined) {
    let rules: unknown;
    try {
      rules = JSON.parse(options.rules);
    } catch (error) {
      throw new CliError('CLI_USAGE', `--rules is not JSON: ${(error as Error).message}`);
    }
    return `${JSON.stringify(await call(peer, 'PUT', rules))}\n`;
  }
  return `${JSON.stringify(await call(peer, 'GET'))}\n`;
}

function peerById(config: ClusterConfig, id: string): PeerSpec {
  const peer = config.peers.find((p) => p.id === id);
  if (peer === undefined) throw new CliError('CLI_USAGE', `no peer ${id} in ${config.file}`);
  return peer;
}

function adminRequest(peer: PeerSpec, method: string, ca: string, token: string, body?: unknown): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `https://${hostForUrl(peer.host)}:${peer.apiPort}${ADMIN_FAULTS_PATH}`,
      { method, ca, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, timeout: 5000 },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          let parsed: { error?: string } | undefined;
          try {
            parsed = text === '' ? {} : (JSON.parse(text) as { error?: string });
          } catch {
            parsed = undefined;
          }
          if (res.statusCode === 200 && parsed !== undefined) resolve(parsed);
          else reject(new CliError('CLI_REQUEST_FAILED', `${peer.id} answered ${res.statusCode ?? 0}: ${parsed?.error ?? text.slice(0, 200)}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error) => reject(new CliError('CLI_UNREACHABLE', `${peer.id} unreachable: ${error.message}`)));
    req.end(payload);
  });
}
