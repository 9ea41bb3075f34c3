import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TransportError } from './transport-error.js';

export const CLUSTER_SECRET_FILE = 'cluster-secret';
export const CLUSTER_SECRET_BYTES_MIN = 16;
const GENERATED_SECRET_BYTES = 32;

/** Accepts a secret from config (string or bytes) and refuses ones too short to resist guessing. */
export function parseClusterSecret(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === 'string' ? Buffer.from(secret.trim(), 'utf8') : secret;
  if (bytes.byteLength < CLUSTER_SECRET_BYTES_MIN) {
    throw new TransportError('TRANSPORT_SECRET_INVALID', `cluster secret must be at least ${CLUSTER_SECRET_BYTES_MIN} bytes`, {
      bytes: bytes.byteLength,
    });
  }
  return bytes;
}

async function readSecretFile(path: string): Promise<Uint8Array> {
  const info = await stat(path);
  // A secret other local users can read is no secret: refuse rather than widen the hole.
  if ((info.mode & 0o077) !== 0) {
    throw new TransportError('TRANSPORT_SECRET_INSECURE', `${path} must not be readable by group or others (chmod 600)`, {
      path,
      mode: (info.mode & 0o777).toString(8),
    });
  }
  return parseClusterSecret(await readFile(path, 'utf8'));
}

/**
 * Loads `<dataDir>/cluster-secret`, creating it with 32 random bytes (hex, mode 0600)
 * on first start. The file appears whole or not at all: it is written and synced under a
 * private name, then hard-linked into place, which fails if the name exists. So two
 * processes racing on the same data dir end up with the same secret, and neither can
 * read the other's file half-written (an exclusive create followed by a write could be
 * read empty). Copy the file to the other peers out of band.
 */
export async function loadOrCreateClusterSecret(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, CLUSTER_SECRET_FILE);
  try {
    return await readSecretFile(path); // every start after the first
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const draft = join(dataDir, `.${CLUSTER_SECRET_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const handle = await open(draft, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(GENERATED_SECRET_BYTES).toString('hex')}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(draft, path);
    await syncDirectory(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  return readSecretFile(path);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
