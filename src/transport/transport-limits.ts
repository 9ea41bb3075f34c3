import { TransportError } from './transport-error.js';

/** Every buffer the transport keeps has a bound here; see README.md#limits. */
export interface TransportLimits {
  /** Largest WebSocket message accepted or sent (ws maxPayload). */
  frameBytesMax: number;
  /** Messages packed into one batch frame at most. */
  batchMessagesMax: number;
  /** Per remote peer: messages waiting to be written. Beyond this, new messages are dropped. */
  sendQueueLengthMax: number;
  /** Per remote peer: estimated bytes waiting to be written. */
  sendQueueBytesMax: number;
  /** Frames handed to the socket but not yet flushed, per peer; bounds kernel and ws buffers. */
  inflightFramesMax: number;
  /** Inbound messages waiting for the owner loop, across all peers. */
  inboundQueueLengthMax: number;
  inboundQueueBytesMax: number;
  /** Snapshot data above this is streamed as chunks of this size. */
  snapshotChunkBytes: number;
  /** Largest snapshot a receiver will reassemble. */
  snapshotBytesMax: number;
  entriesPerMessageMax: number;
  nodeIdBytesMax: number;
  clusterIdBytesMax: number;
  contextBytesMax: number;
  membersMax: number;
  /** An accepted connection that has not authenticated by then is closed. */
  handshakeTimeoutMs: number;
  /** Backoff between reconnect attempts. */
  reconnectInitialMs: number;
  reconnectMaxMs: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_TRANSPORT_LIMITS: Readonly<TransportLimits> = Object.freeze({
  frameBytesMax: 16 * MIB,
  batchMessagesMax: 256,
  sendQueueLengthMax: 4096,
  sendQueueBytesMax: 64 * MIB,
  inflightFramesMax: 4,
  inboundQueueLengthMax: 8192,
  inboundQueueBytesMax: 128 * MIB,
  snapshotChunkBytes: 1 * MIB,
  snapshotBytesMax: 64 * MIB,
  entriesPerMessageMax: 10_000,
  nodeIdBytesMax: 64,
  clusterIdBytesMax: 128,
  contextBytesMax: 64 * 1024,
  membersMax: 64,
  handshakeTimeoutMs: 5_000,
  reconnectInitialMs: 50,
  reconnectMaxMs: 5_000,
});

/** Fills defaults and rejects nonsense with TRANSPORT_BAD_CONFIG. */
export function resolveTransportLimits(overrides: Partial<TransportLimits> = {}): TransportLimits {
  const limits: TransportLimits = { ...DEFAULT_TRANSPORT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TransportError('TRANSPORT_BAD_CONFIG', `limit ${name} must be a positive integer`, { name, value });
    }
  }
  if (limits.snapshotChunkBytes + 64 * 1024 > limits.frameBytesMax) {
    throw new TransportError('TRANSPORT_BAD_CONFIG', 'snapshotChunkBytes must leave 64 KiB of room in frameBytesMax', {
      snapshotChunkBytes: limits.snapshotChunkBytes,
      frameBytesMax: limits.frameBytesMax,
    });
  }
  if (limits.reconnectMaxMs < limits.reconnectInitialMs) {
    throw new TransportError('TRANSPORT_BAD_CONFIG', 'reconnectMaxMs must be >= reconnectInitialMs');
  }
  return limits;
}
