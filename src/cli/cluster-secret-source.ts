import { readFile, stat } from 'node:fs/promises';
import { loadOrCreateClusterSecret, parseClusterSecret } from '../transport/index.js';
import { CliError } from './cli-error.js';
import type { ClusterConfig } from './cluster-config.js';

/**
 * The peer-link secret for this cluster. Without `secret`/`secretFile` in the config,
 * every peer on this machine shares <dataDir>/cluster-secret, created once (exclusively,
 * so peers racing at first start agree); `up` creates it before starting any peer.
 */
export async function resolveClusterSecret(config: ClusterConfig): Promise<Uint8Array> {
  const source = config.secret;
  if (source.kind === 'inline') return parseClusterSecret(source.value);
  if (source.kind === 'data-dir') {
    return loadOrCreateClusterSecret(config.dataDir).catch((error: Error) => {
      // An unusable data dir (a file, /proc, no permission) is the operator's to fix: say which.
      if ((error as NodeJS.ErrnoException).code === undefined) throw error;
      throw new CliError('CLI_USAGE', `data dir ${config.dataDir}: cannot read or create its cluster-secret: ${error.message}`);
    });
  }
  const info = await stat(source.path).catch((error: Error) => {
    throw new CliError('CLI_USAGE', `secretFile ${source.path}: ${error.message}`);
  });
  // Same rule as the generated file: a secret others can read is no secret.
  if ((info.mode & 0o077) !== 0) throw new CliError('CLI_USAGE', `secretFile ${source.path} must not be readable by group or others (chmod 600)`);
  return parseClusterSecret(await readFile(source.path, 'utf8'));
}
