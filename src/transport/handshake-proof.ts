import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { assert } from '../util/assert.js';
import { NONCE_BYTES, PROOF_BYTES } from './frame-codec.js';

/**
 * Proof of the cluster secret without sending it: HMAC-SHA256 over a
 * length-prefixed tuple. The role label keeps a server's proof from being replayed
 * as a client's (reflection), and both peer ids bind the proof to one directed link.
 */
export type ProofRole = 'client' | 'server';

export interface ProofInput {
  secret: Uint8Array;
  role: ProofRole;
  nonce: Uint8Array;
  clusterId: string;
  from: string;
  to: string;
}

const LABEL = 'raftplane-peer-link-v1';

function lengthPrefixed(parts: readonly Uint8Array[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.byteLength);
    chunks.push(length, Buffer.from(part.buffer, part.byteOffset, part.byteLength));
  }
  return Buffer.concat(chunks);
}

export function computeProof(input: ProofInput): Uint8Array {
  assert(input.nonce.byteLength === NONCE_BYTES, 'nonce has the wrong size');
  const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  const message = lengthPrefixed([
    text(LABEL),
    text(input.role),
    input.nonce,
    text(input.clusterId),
    text(input.from),
    text(input.to),
  ]);
  const proof = createHmac('sha256', input.secret).update(message).digest();
  assert(proof.byteLength === PROOF_BYTES, 'HMAC-SHA256 is 32 bytes');
  return proof;
}

/** Constant-time comparison of a received proof with the expected one. */
export function verifyProof(input: ProofInput, proof: Uint8Array): boolean {
  const expected = computeProof(input);
  return proof.byteLength === expected.byteLength && timingSafeEqual(proof, expected);
}

export function newNonce(): Uint8Array {
  return randomBytes(NONCE_BYTES);
}
