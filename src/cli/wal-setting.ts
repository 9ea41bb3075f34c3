import { CliError } from './cli-error.js';

/** `off` turns off the zeros a peer keeps written ahead of LevelDB's log; for comparison runs. */
export const WAL_PREALLOCATE_ENV = 'RAFTPLANE_WAL_PREALLOCATE';

/** True (the default) unless RAFTPLANE_WAL_PREALLOCATE is `off`; any other value but `on` is a usage error. */
export function walPreallocationFromEnv(env: NodeJS.ProcessEnv): boolean {
  const value = env[WAL_PREALLOCATE_ENV];
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new CliError('CLI_USAGE', `${WAL_PREALLOCATE_ENV} must be "on" or "off", not "${value}"`);
}
