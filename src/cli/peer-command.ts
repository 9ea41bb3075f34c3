import { isRaftplaneError } from '../util/errors.js';
import { CliError, asListenError } from './cli-error.js';
import { createLogger } from '../util/logger.js';
import { tuneHeapForPeer } from './heap-tuning.js';
import { apiUrlOf, loadClusterConfig, peerUrlOf } from './cluster-config.js';
import { startPeerApi } from './peer-api.js';
import { startPeerRuntime } from './peer-runtime.js';
import { stopSignal } from './stop-signal.js';
import { TRACE_DIR_ENV, traceFromEnv } from './trace-setting.js';
import { WAL_PREALLOCATE_ENV, walPreallocationFromEnv } from './wal-setting.js';

export interface PeerCommandOptions {
  readonly config: string;
  readonly id: string;
  readonly dataDir?: string;
  readonly initialClusterState: string;
}

/** Exit code of a peer that stopped because its disk failed (distinct from usage errors). */
export const EXIT_DISK_FAILED = 3;

/**
 * `raftplane peer`: one peer process. Logs (JSON) go to stderr; stdout gets one line
 * once the peer serves. SIGINT/SIGTERM hand off leadership, then stop cleanly (exit 0).
 */
export async function runPeerCommand(options: PeerCommandOptions, write: (line: string) => void): Promise<number> {
  const state = options.initialClusterState;
  if (state !== 'new' && state !== 'existing') throw new CliError('CLI_USAGE', `--initial-cluster-state must be "new" or "existing", not "${state}"`);
  const heapGrowingPercent = tuneHeapForPeer(process.env);
  const config = loadClusterConfig(options.config, options.dataDir);
  const logger = createLogger({ peer: options.id, cluster: config.name });
  logger.info({ heapGrowingPercent }, 'V8 heap growth between full GCs (RAFTPLANE_HEAP_GROWING_PERCENT)');
  const tracing = traceFromEnv(process.env, options.id);
  if (tracing !== undefined) logger.info({ file: tracing.file }, `recording a timeline (${TRACE_DIR_ENV})`);
  const walPreallocation = walPreallocationFromEnv(process.env);
  if (!walPreallocation) logger.info(`LevelDB's log is not preallocated (${WAL_PREALLOCATE_ENV}=off)`);
  const stop = stopSignal();
  let fatal: ((error: Error) => void) | undefined;
  const failed = new Promise<Error>((resolve) => (fatal = resolve));
  const runtime = await startPeerRuntime({
    config,
    id: options.id,
    initialClusterState: state,
    logger,
    onFatal: (error) => fatal?.(error),
    walPreallocation,
    ...(tracing !== undefined ? { trace: tracing.trace } : {}),
  });
  let api;
  try {
    api = await startPeerApi(runtime, config, logger);
  } catch (error) {
    await runtime.stop();
    throw asListenError(error, `the API on ${runtime.spec.host}:${runtime.spec.apiPort}`);
  }
  write(`peer ${options.id} serving api ${apiUrlOf(runtime.spec)} peer ${peerUrlOf(runtime.spec)}`);

  const outcome = await Promise.race([stop, failed]);
  if (outcome instanceof Error) {
    const disk = isRaftplaneError(outcome, 'PEER_DISK_FAILED');
    logger.fatal({ err: outcome }, 'peer stopped on a fatal error');
    process.stderr.write(`raftplane peer ${options.id}: fatal: ${outcome.message}\n`);
    await api.close().catch(() => undefined);
    return disk ? EXIT_DISK_FAILED : 1;
  }
  logger.info({ signal: outcome }, 'stopping');
  await runtime.stop(); // hands off leadership while the API still answers, then stops raft
  await api.close();
  if (tracing !== undefined) {
    await tracing.trace.writeTo(tracing.file);
    logger.info({ file: tracing.file, events: tracing.trace.length }, 'timeline written');
  }
  logger.info('stopped');
  return 0;
}
