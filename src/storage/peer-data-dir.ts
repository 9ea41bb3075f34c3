import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { assert, assertionFailed } from '../util/assert.js';
import { StorageError, ioError } from './storage-error.js';

/**
 * Each peer owns `<dataDir>/<peerId>`:
 *
 *   IDENTITY     {"format":1,"clusterId":…,"peerId":…}, written once, atomically
 *   LOCK         the pid of the process using the directory
 *   raft-log/    the LevelDurableLog database
 *
 * IDENTITY stops a peer from joining another cluster's log (a copy-paste in a
 * config would otherwise make it vote with a history that is not its own).
 * LOCK stops two processes from running one peer; LevelDB's own lock backs it up.
 */
export interface PeerIdentity {
  readonly clusterId: string;
  readonly peerId: string;
}

export interface PeerDataDirOptions extends PeerIdentity {
  readonly dataDir: string;
}

export interface PeerDataDir {
  readonly peerDir: string;
  readonly logDir: string;
  readonly identity: PeerIdentity;
  /** True when this open created the identity (a brand-new peer). */
  readonly created: boolean;
  release(): Promise<void>;
}

const IDENTITY_FILE = 'IDENTITY';
const LOCK_FILE = 'LOCK';
const FORMAT = 1;

export async function openPeerDataDir(options: PeerDataDirOptions): Promise<PeerDataDir> {
  if (!(isPathSegment(options.peerId))) assertionFailed(`peer id ${JSON.stringify(options.peerId)} is not a safe directory name`);
  assert(options.clusterId.length > 0, 'cluster id must not be empty');
  const peerDir = join(options.dataDir, options.peerId);
  try {
    await mkdir(peerDir, { recursive: true });
  } catch (error) {
    throw ioError(`mkdir ${peerDir}`, error);
  }
  const lockPath = join(peerDir, LOCK_FILE);
  await takeLock(lockPath);
  try {
    const identity: PeerIdentity = { clusterId: options.clusterId, peerId: options.peerId };
    const created = await checkIdentity(peerDir, identity);
    const release = (): Promise<void> => rm(lockPath, { force: true });
    return { peerDir, logDir: join(peerDir, 'raft-log'), identity, created, release };
  } catch (error) {
    await rm(lockPath, { force: true });
    throw error;
  }
}

async function checkIdentity(peerDir: string, expected: PeerIdentity): Promise<boolean> {
  const path = join(peerDir, IDENTITY_FILE);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw ioError(`read ${path}`, error);
  });
  if (text === undefined) {
    await writeFileAtomic(peerDir, IDENTITY_FILE, JSON.stringify({ format: FORMAT, clusterId: expected.clusterId, peerId: expected.peerId }) + '\n');
    return true;
  }
  const found = parseIdentity(text);
  if (found === undefined) {
    throw new StorageError('STORAGE_CORRUPT', `${path} is not a raftplane identity file`, { key: path });
  }
  if (found.clusterId !== expected.clusterId || found.peerId !== expected.peerId) {
    throw new StorageError(
      'STORAGE_DATA_DIR_MISMATCH',
      `${peerDir} belongs to peer ${found.peerId} of cluster ${found.clusterId}, ` +
        `not peer ${expected.peerId} of cluster ${expected.clusterId}`,
      { peerDir, found, expected },
    );
  }
  return false;
}

function parseIdentity(text: string): PeerIdentity | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { format, clusterId, peerId } = value as Record<string, unknown>;
    if (format !== FORMAT || typeof clusterId !== 'string' || typeof peerId !== 'string') return undefined;
    return { clusterId, peerId };
  } catch {
    return undefined;
  }
}

/** Creates LOCK exclusively; a LOCK whose process is gone is stale and taken over. */
async function takeLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`lock ${lockPath}`, error);
    }
    const holderPid = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holderPid) && isAlive(holderPid)) {
      throw new StorageError('STORAGE_LOCKED', `${lockPath} is held by running process ${holderPid}`, { lockPath, holderPid });
    }
    await rm(lockPath, { force: true });
  }
  throw new StorageError('STORAGE_LOCKED', `could not take ${lockPath}`, { lockPath });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** tmp file, fsync, rename, fsync the directory: the file is either old or new, never torn. */
async function writeFileAtomic(dir: string, name: string, text: string): Promise<void> {
  const tmpPath = join(dir, `${name}.tmp`);
  try {
    const handle = await open(tmpPath, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmpPath, join(dir, name));
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch (error) {
    throw ioError(`write ${join(dir, name)}`, error);
  }
}

function isPathSegment(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && id !== '.' && id !== '..';
}
