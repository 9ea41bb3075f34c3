import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rmdir, stat, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { ADMIN_GROUP } from './authorizer.js';
import {
  createCertificateAuthority,
  createServingCertificate,
  describeCertificate,
  type KeyAndCertificate,
} from './certificates.js';
import { SecurityError } from './errors.js';
import { formatTokenEntry, parseTokenFile, type TokenEntry } from './token-file.js';

/**
 * The credentials every peer of one cluster shares, kept in the cluster data dir:
 *
 *   pki/ca.crt  pki/ca.key                 cluster CA (made once, 10 years)
 *   pki/apiserver.crt  pki/apiserver.key   serving certificate for every host asked for
 *   auth/admin.token                       the admin's bearer token
 *   auth/tokens.csv                        token,user,uid,"group1,group2" (admin first)
 *
 * Keys and tokens are written 0600. Files are created once; later calls only read them,
 * and re-issue the serving certificate when a host is missing or it expires within 30 days.
 */
export const CREDENTIAL_FILES = {
  caCertificate: 'pki/ca.crt',
  caKey: 'pki/ca.key',
  servingCertificate: 'pki/apiserver.crt',
  servingKey: 'pki/apiserver.key',
  adminToken: 'auth/admin.token',
  tokens: 'auth/tokens.csv',
} as const;

export const ADMIN_USER = 'admin';

export interface ClusterCredentials {
  readonly dataDir: string;
  readonly ca: KeyAndCertificate;
  readonly serving: KeyAndCertificate;
  readonly adminToken: string;
  readonly tokens: TokenEntry[];
}

const LOCK_DIR = '.credentials.lock';
const LOCK_WAIT_MS = 15_000;
const LOCK_STALE_MS = 60_000;
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a key. */
async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}

/** Peers of one machine may start together: a lock directory serialises first-time creation. */
async function withLock<T>(dataDir: string, body: () => Promise<T>): Promise<T> {
  const lock = join(dataDir, LOCK_DIR);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lock).then((s) => s.mtimeMs, () => Date.now()));
      if (age > LOCK_STALE_MS) await rmdir(lock).catch(() => undefined);
      if (Date.now() > deadline) {
        throw new SecurityError('SECURITY_CREDENTIALS_INVALID', `timed out waiting for ${lock}; remove it if no peer is starting`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await body();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

function normaliseHost(host: string): string {
  // The WHATWG URL parser prints IPv6 in its one canonical (RFC 5952) form.
  const bare = host.replace(/^\[|\]$/g, '');
  return isIP(bare) === 6 ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : host;
}

function servingCovers(serving: KeyAndCertificate, ca: KeyAndCertificate, hosts: readonly string[]): boolean {
  const facts = describeCertificate(serving.certificatePem);
  if (facts.notAfter.getTime() - Date.now() < RENEW_BEFORE_MS) return false;
  if (!facts.signedBy(ca.certificatePem)) return false;
  const names = new Set([...facts.dnsNames, ...facts.ipAddresses.map(normaliseHost)]);
  return hosts.every((h) => names.has(normaliseHost(h)));
}

async function readPair(dataDir: string, cert: string, key: string): Promise<KeyAndCertificate> {
  return {
    certificatePem: await readFile(join(dataDir, cert), 'utf8'),
    privateKeyPem: await readFile(join(dataDir, key), 'utf8'),
  };
}

async function writePair(dataDir: string, cert: string, key: string, pair: KeyAndCertificate): Promise<void> {
  await writeAtomic(join(dataDir, key), pair.privateKeyPem, 0o600);
  await writeAtomic(join(dataDir, cert), pair.certificatePem, 0o644);
}

async function ensureTokens(dataDir: string): Promise<void> {
  const tokenPath = join(dataDir, CREDENTIAL_FILES.adminToken);
  if (await exists(tokenPath)) return;
  const token = randomBytes(32).toString('base64url');
  const tokensPath = join(dataDir, CREDENTIAL_FILES.tokens);
  const previous = (await exists(tokensPath)) ? await readFile(tokensPath, 'utf8') : '';
  const admin = formatTokenEntry({ token, user: { name: ADMIN_USER, uid: 'admin', groups: [ADMIN_GROUP] } });
  await writeAtomic(tokensPath, `${admin}\n${previous}`, 0o600);
  await writeAtomic(tokenPath, `${token}\n`, 0o600);
}

/**
 * Creates (first call) or loads the cluster's CA, serving certificate and tokens under
 * `dataDir`, re-issuing the serving certificate if `hosts` are not all in it. Safe to call
 * from several processes at once. `hosts` are DNS names or IP addresses clients dial;
 * localhost, 127.0.0.1, ::1 and the kubernetes.default names are always included.
 */
export async function ensureClusterCredentials(dataDir: string, hosts: readonly string[] = []): Promise<ClusterCredentials> {
  await mkdir(join(dataDir, 'pki'), { recursive: true });
  await mkdir(join(dataDir, 'auth'), { recursive: true, mode: 0o700 });
  await withLock(dataDir, async () => {
    const f = CREDENTIAL_FILES;
    if (!(await exists(join(dataDir, f.caCertificate)))) {
      await writePair(dataDir, f.caCertificate, f.caKey, createCertificateAuthority('raftplane-ca'));
    }
    const ca = await readPair(dataDir, f.caCertificate, f.caKey);
    const servingPresent = await exists(join(dataDir, f.servingCertificate));
    const current = servingPresent ? await readPair(dataDir, f.servingCertificate, f.servingKey) : undefined;
    if (current === undefined || !servingCovers(current, ca, hosts)) {
      // Keep the hosts already named, so one peer's call never drops another peer's address.
      const facts = current === undefined ? undefined : describeCertificate(current.certificatePem);
      const kept = facts === undefined ? [] : [...facts.dnsNames, ...facts.ipAddresses];
      await writePair(dataDir, f.servingCertificate, f.servingKey, createServingCertificate(ca, [...kept, ...hosts]));
    }
    await ensureTokens(dataDir);
  });
  return loadClusterCredentials(dataDir);
}

/** Reads the credentials `ensureClusterCredentials` made; fails clearly if they are missing. */
export async function loadClusterCredentials(dataDir: string): Promise<ClusterCredentials> {
  const f = CREDENTIAL_FILES;
  try {
    const ca = await readPair(dataDir, f.caCertificate, f.caKey);
    const serving = await readPair(dataDir, f.servingCertificate, f.servingKey);
    const adminToken = (await readFile(join(dataDir, f.adminToken), 'utf8')).trim();
    const tokens = parseTokenFile(await readFile(join(dataDir, f.tokens), 'utf8'));
    return { dataDir, ca, serving, adminToken, tokens };
  } catch (error) {
    if (error instanceof SecurityError) throw error;
    throw new SecurityError(
      'SECURITY_CREDENTIALS_INVALID',
      `cluster credentials in ${dataDir} are missing or unreadable (${(error as Error).message}); they are made when the cluster first starts (raftplane up or raftplane peer) — check --data-dir`,
    );
  }
}
