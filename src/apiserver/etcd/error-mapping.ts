import { STATUS_CODES } from 'node:http';
import { PeerError, type PeerErrorCode } from '../../peer/errors.js';
import { StoreError, type StoreErrorCode } from '../../store/index.js';
import { GatewayError, GrpcCode, httpStatusOf } from './gateway-error.js';

/** What the gateway prints for one failure: gRPC code, HTTP status and etcd's message. */
export interface MappedError {
  readonly grpcCode: GrpcCode;
  readonly httpStatus: number;
  readonly message: string;
  /** True when the failure is ours, not the client's: it is logged. */
  readonly internal: boolean;
}

type Rule = readonly [GrpcCode, string?];

/**
 * StoreError codes → etcd's rpctypes (api/v3rpc/rpctypes/error.go). A second element
 * replaces the store's message where etcd's gRPC error words it differently (the store
 * keeps mvcc's own wording; rpctypes prefixes it with "etcdserver: ").
 */
const STORE_RULES: Record<StoreErrorCode, Rule> = {
  STORE_COMPACTED: [GrpcCode.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'],
  STORE_FUTURE_REVISION: [GrpcCode.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'],
  STORE_EMPTY_KEY: [GrpcCode.INVALID_ARGUMENT],
  STORE_KEY_NOT_FOUND: [GrpcCode.INVALID_ARGUMENT],
  STORE_VALUE_PROVIDED: [GrpcCode.INVALID_ARGUMENT],
  STORE_LEASE_PROVIDED: [GrpcCode.INVALID_ARGUMENT],
  STORE_DUPLICATE_KEY: [GrpcCode.INVALID_ARGUMENT],
  STORE_TOO_MANY_OPS: [GrpcCode.INVALID_ARGUMENT],
  STORE_KEY_TOO_LARGE: [GrpcCode.INVALID_ARGUMENT],
  STORE_VALUE_TOO_LARGE: [GrpcCode.INVALID_ARGUMENT],
  STORE_NO_SPACE: [GrpcCode.RESOURCE_EXHAUSTED],
  STORE_INVALID_REQUEST: [GrpcCode.INVALID_ARGUMENT],
  STORE_LEASE_NOT_FOUND: [GrpcCode.NOT_FOUND],
  STORE_LEASE_EXISTS: [GrpcCode.FAILED_PRECONDITION],
  STORE_LEASE_TTL_TOO_LARGE: [GrpcCode.OUT_OF_RANGE],
  STORE_TOO_MANY_LEASES: [GrpcCode.RESOURCE_EXHAUSTED],
  STORE_WATCH_SLOW: [GrpcCode.RESOURCE_EXHAUSTED],
  STORE_WATCH_LISTENER_FAILED: [GrpcCode.INTERNAL],
  STORE_WATCH_NOT_FOUND: [GrpcCode.NOT_FOUND],
  STORE_TOO_MANY_WATCHERS: [GrpcCode.RESOURCE_EXHAUSTED],
  STORE_SNAPSHOT_INVALID: [GrpcCode.INTERNAL],
  STORE_OP_INVALID: [GrpcCode.INTERNAL],
};

/** PeerError codes → etcd's codes for the same conditions (all "try again" are Unavailable). */
const PEER_RULES: Record<PeerErrorCode, Rule> = {
  PEER_NO_LEADER: [GrpcCode.UNAVAILABLE],
  PEER_TIMEOUT: [GrpcCode.UNAVAILABLE],
  PEER_LEADER_CHANGED: [GrpcCode.UNAVAILABLE],
  PEER_TOO_MANY_REQUESTS: [GrpcCode.RESOURCE_EXHAUSTED],
  PEER_STOPPED: [GrpcCode.UNAVAILABLE],
  PEER_DISK_FAILED: [GrpcCode.UNAVAILABLE],
  PEER_BAD_MEMBERSHIP: [GrpcCode.FAILED_PRECONDITION],
};

export function mapError(error: unknown): MappedError {
  if (error instanceof GatewayError) return mapped(error.grpcCode, error.message, false);
  if (error instanceof StoreError) {
    const [code, message] = STORE_RULES[error.code];
    return mapped(code, message ?? error.message, code === GrpcCode.INTERNAL);
  }
  if (error instanceof PeerError) return mapped(peerCode(error), error.message, error.code === 'PEER_DISK_FAILED');
  // etcd answers errors it has no code for with Unknown (HTTP 500).
  const message = error instanceof Error ? error.message : String(error);
  return mapped(GrpcCode.UNKNOWN, message, true);
}

/** Membership failures carry etcd's messages; their codes follow rpctypes by message. */
function peerCode(error: PeerError): GrpcCode {
  if (error.message.startsWith('etcdserver: not leader')) return GrpcCode.FAILED_PRECONDITION;
  if (error.code !== 'PEER_BAD_MEMBERSHIP') return PEER_RULES[error.code][0];
  if (error.message === 'etcdserver: member not found') return GrpcCode.NOT_FOUND;
  if (/invalid|needs exactly one peer URL/.test(error.message)) return GrpcCode.INVALID_ARGUMENT;
  return GrpcCode.FAILED_PRECONDITION;
}

function mapped(grpcCode: GrpcCode, message: string, internal: boolean): MappedError {
  return { grpcCode, httpStatus: httpStatusOf(grpcCode), message, internal };
}

/** The body etcd's gateway (grpc-gateway v1) writes for a failed unary call, key order kept. */
export function errorBody(error: MappedError): string {
  return JSON.stringify({ error: error.message, message: error.message, code: error.grpcCode });
}

/** What grpc-gateway v1 writes as the last line of a stream that fails after it began. */
export function streamErrorLine(error: MappedError): string {
  return JSON.stringify({
    error: { grpc_code: error.grpcCode, http_code: error.httpStatus, message: error.message, http_status: httpStatusText(error.httpStatus) },
  });
}

function httpStatusText(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}
