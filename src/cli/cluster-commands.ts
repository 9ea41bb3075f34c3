import { InvalidArgumentError, type Command } from 'commander';
import { isRaftplaneError } from '../util/errors.js';
import { runMemberAdd, runMemberChange, runMemberList } from './member-command.js';
import { runMemberReplace } from './member-replace.js';
import { runPeerCommand } from './peer-command.js';
import { runStatusCommand } from './status-command.js';
import { runUpCommand } from './up-command.js';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Runs a command body. Operating errors (bad config, unreachable cluster, refused
 * request) print `error: <message>` and exit 1, as etcdctl and kubectl do; anything
 * else is a bug and keeps its stack.
 */
export async function runCliCommand(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (error) {
    if (!isRaftplaneError(error)) throw error;
    err(`error: ${error.message}`);
    process.exitCode = 1;
  }
}

interface ConfigFlags {
  config: string;
  dataDir?: string;
}

function withConfig(command: Command): Command {
  return command.requiredOption('--config <file>', 'cluster config (YAML)').option('--data-dir <dir>', 'overrides the config\'s dataDir');
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`not a port number: ${value}`);
  return n;
}

export function registerClusterCommands(program: Command): void {
  withConfig(program.command('peer').description('run one peer of a cluster (logs: JSON on stderr)'))
    .requiredOption('--id <id>', 'which peer of the config')
    .option('--initial-cluster-state <state>', '"new" (founding member or restart) or "existing" (join a running cluster, empty data dir)', 'new')
    // After a fatal disk error sockets may still be open: the peer is done, so exit for sure.
    .action((o: ConfigFlags & { id: string; initialClusterState: string }) => runCliCommand(() => runPeerCommand(o, out)).then(() => process.exit()));

  withConfig(program.command('up').description('run every peer of a cluster as child processes until SIGINT/SIGTERM'))
    .action((o: ConfigFlags) => runCliCommand(() => runUpCommand(o, out, err)));

  withConfig(program.command('status').description('role, term, indexes and health of every peer; exit 0 if a quorum is healthy'))
    .option('--json', 'one JSON object')
    .action((o: ConfigFlags & { json?: boolean }) => runCliCommand(() => runStatusCommand(o, out)));

  const member = program.command('member').description('list and change cluster membership at run time');
  withConfig(member.command('list').description('list members'))
    .option('--json', 'JSON output')
    .action((o: ConfigFlags & { json?: boolean }) => runCliCommand(() => runMemberList(o, out)));
  withConfig(member.command('add <name>').description('add a member (start it afterwards with --initial-cluster-state existing)'))
    .requiredOption('--peer-url <url>', 'ws://host:port of its peer listener')
    .option('--client-url <url>', 'http://host:port of its API')
    .option('--learner', 'add as a non-voting learner (promote once caught up)')
    .action((name: string, o: ConfigFlags & { peerUrl: string; clientUrl?: string; learner?: boolean }) => runCliCommand(() => runMemberAdd({ ...o, name }, out)));
  for (const verb of ['promote', 'remove'] as const) {
    withConfig(member.command(`${verb} <name>`).description(verb === 'promote' ? 'promote a caught-up learner to voter' : 'remove a member'))
      .action((name: string, o: ConfigFlags) => runCliCommand(() => runMemberChange({ ...o, verb, name }, out)));
  }
  withConfig(member.command('replace').description('replace a dead member without downtime: add learner, start, catch up, promote, remove'))
    .requiredOption('--dead <id>', 'the member to replace')
    .requiredOption('--new <id>', 'the new member\'s id')
    .requiredOption('--host <host>', 'the new member\'s host')
    .requiredOption('--peer-port <port>', 'its peer port', port)
    .requiredOption('--api-port <port>', 'its API port', port)
    .option('--wait-ms <ms>', 'bounded wait for start and catch-up', (v) => Number(v), 60_000)
    .action((o: ConfigFlags & { dead: string; new: string; host: string; peerPort: number; apiPort: number; waitMs: number }) =>
      runCliCommand(() =>
        runMemberReplace(
          {
            config: o.config,
            ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
            dead: o.dead,
            replacement: { id: o.new, host: o.host, peerPort: o.peerPort, apiPort: o.apiPort },
            waitMs: o.waitMs,
          },
          out,
        ),
      ),
    );
}
