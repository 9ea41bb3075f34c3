import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { RecordingTrace } from '../util/event-trace.js';
import { CliError } from './cli-error.js';

/** Set to a directory, a peer records its timeline and writes it there when it stops. */
export const TRACE_DIR_ENV = 'RAFTPLANE_TRACE_DIR';

export interface TraceSetting {
  readonly trace: RecordingTrace;
  /** `<dir>/<peer id>.trace.json`, written on a clean stop. */
  readonly file: string;
}

/**
 * The timeline a peer records when RAFTPLANE_TRACE_DIR is set (see `npm run
 * bench:timeline`): the Ready loop's steps, HTTP requests in and out, and GC pauses.
 * Unset, nothing is recorded. The directory is made if missing; one that cannot be made
 * stops the peer before it touches its data, with a usage error.
 */
export function traceFromEnv(env: NodeJS.ProcessEnv, peerId: string): TraceSetting | undefined {
  const dir = env[TRACE_DIR_ENV];
  if (dir === undefined || dir === '') return undefined;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new CliError('CLI_USAGE', `${TRACE_DIR_ENV}: cannot make directory ${dir}: ${(error as Error).message}`);
  }
  return { trace: new RecordingTrace(), file: path.join(dir, `${peerId}.trace.json`) };
}
