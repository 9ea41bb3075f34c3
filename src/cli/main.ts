#!/usr/bin/env node
import { Command } from 'commander';
import { runDemo } from '../sim/sim-demo.js';
import { runSimCommand } from './sim-command.js';
import { registerClusterCommands } from './cluster-commands.js';
import { registerLoadBalancerCommands } from './loadbalancer-commands.js';
import { registerFaultCommand } from './fault-command.js';

// A closed pipe (`raftplane sim ... | head`) is a normal way for a reader to stop.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
program.name('raftplane').description('A Raft-replicated, highly available control plane in the Kubernetes mould');

program
  .command('sim')
  .description('run the deterministic cluster simulator (raftplane sim --help for its flags)')
  .helpOption(false)
  .allowUnknownOption(true)
  .allowExcessArguments(true)
  .action(async (_options: unknown, command: Command) => {
    process.exitCode = await runSimCommand(command.args);
  });

program
  .command('sim-demo')
  .description('watch a simulated 5-peer cluster under faults in real time')
  .option('--seed <n>', 'seed', '1')
  .option('--peers <n>', 'cluster size', '5')
  .option('--ticks-per-second <n>', 'pace', '20')
  .option('--seconds <n>', 'duration', '30')
  .action(async (options: { seed: string; peers: string; ticksPerSecond: string; seconds: string }) => {
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    process.exitCode = await runDemo({
      seed: Number(options.seed),
      peers: Number(options.peers),
      ticksPerSecond: Number(options.ticksPerSecond),
      durationSeconds: Number(options.seconds),
      write: (line) => process.stdout.write(`${line}\n`),
      signal: controller.signal,
    });
  });

registerLoadBalancerCommands(program);
registerFaultCommand(program);

registerClusterCommands(program);

await program.parseAsync(process.argv);
