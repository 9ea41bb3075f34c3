import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { SecurityError } from './errors.js';

/**
 * X.509 issuing for the cluster CA and the API serving certificate, through node-forge.
 * RSA 2048 keys come from Node's native generator (forge detects it), so a CA costs ~0.1 s.
 */

export interface KeyAndCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

const CA_VALIDITY_DAYS = 3650;
const SERVING_VALIDITY_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A positive serial number: Go's crypto/x509 (kubectl) rejects negative ones. */
function serialNumberHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f | 0x01;
  return bytes.toString('hex');
}

function validity(certificate: forge.pki.Certificate, days: number, now: Date): void {
  // Backdate by an hour so that peers with slightly skewed clocks accept a fresh certificate.
  certificate.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  certificate.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
}

export function createCertificateAuthority(commonName: string, now = new Date()): KeyAndCertificate {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = serialNumberHex();
  validity(certificate, CA_VALIDITY_DAYS, now);
  const subject = [{ name: 'commonName', value: commonName }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  return {
    certificatePem: forge.pki.certificateToPem(certificate),
    privateKeyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

/** Hosts every serving certificate names, besides the ones asked for (as kube-apiserver's). */
export const DEFAULT_SERVING_HOSTS: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

function altName(host: string): { type: number; value?: string; ip?: string } {
  if (isIP(host) !== 0) return { type: 7, ip: host };
  if (!/^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) {
    throw new SecurityError('SECURITY_HOST_INVALID', `invalid host name for a certificate: ${JSON.stringify(host)}`);
  }
  return { type: 2, value: host };
}

export function createServingCertificate(
  ca: KeyAndCertificate,
  hosts: readonly string[],
  now = new Date(),
): KeyAndCertificate {
  const caCertificate = forge.pki.certificateFromPem(ca.certificatePem);
  const caKey = forge.pki.privateKeyFromPem(ca.privateKeyPem);
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = serialNumberHex();
  validity(certificate, SERVING_VALIDITY_DAYS, now);
  certificate.setSubject([{ name: 'commonName', value: 'raftplane-apiserver' }]);
  certificate.setIssuer(caCertificate.subject.attributes);
  const allHosts = [...new Set([...DEFAULT_SERVING_HOSTS, ...hosts])];
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: allHosts.map(altName) },
  ]);
  certificate.sign(caKey, forge.md.sha256.create());
  return {
    certificatePem: forge.pki.certificateToPem(certificate),
    privateKeyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

export interface CertificateFacts {
  readonly notAfter: Date;
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
  readonly signedBy: (caPem: string) => boolean;
}

export function describeCertificate(certificatePem: string): CertificateFacts {
  let certificate: forge.pki.Certificate;
  try {
    certificate = forge.pki.certificateFromPem(certificatePem);
  } catch (error) {
    throw new SecurityError('SECURITY_CREDENTIALS_INVALID', `unreadable certificate: ${(error as Error).message}`);
  }
  const san = certificate.getExtension('subjectAltName') as { altNames?: { type: number; value?: string; ip?: string }[] } | null;
  const names = san?.altNames ?? [];
  return {
    notAfter: certificate.validity.notAfter,
    dnsNames: names.filter((n) => n.type === 2 && n.value !== undefined).map((n) => n.value as string),
    ipAddresses: names.filter((n) => n.type === 7 && n.ip !== undefined).map((n) => n.ip as string),
    signedBy: (caPem) => {
      try {
        return forge.pki.certificateFromPem(caPem).verify(certificate);
      } catch {
        return false;
      }
    },
  };
}
