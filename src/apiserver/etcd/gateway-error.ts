import { RaftplaneError } from '../../util/errors.js';

/** gRPC status codes (google.golang.org/grpc/codes), as the gateway prints them in `code`. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

/**
 * HTTP status for a gRPC code, as grpc-gateway v1 (the one etcd 3.4 and 3.5 ship) maps them:
 * note FailedPrecondition → 412, which grpc-gateway v2 later changed to 400.
 */
export function httpStatusOf(code: GrpcCode): number {
  switch (code) {
    case GrpcCode.OK: return 200;
    case GrpcCode.CANCELLED: return 408;
    case GrpcCode.INVALID_ARGUMENT: return 400;
    case GrpcCode.DEADLINE_EXCEEDED: return 504;
    case GrpcCode.NOT_FOUND: return 404;
    case GrpcCode.ALREADY_EXISTS: return 409;
    case GrpcCode.PERMISSION_DENIED: return 403;
    case GrpcCode.UNAUTHENTICATED: return 401;
    case GrpcCode.RESOURCE_EXHAUSTED: return 429;
    case GrpcCode.FAILED_PRECONDITION: return 412;
    case GrpcCode.ABORTED: return 409;
    case GrpcCode.OUT_OF_RANGE: return 400;
    case GrpcCode.UNIMPLEMENTED: return 501;
    case GrpcCode.UNAVAILABLE: return 503;
    default: return 500;
  }
}

export type GatewayErrorCode =
  /** The request body is not the JSON the method takes (gRPC InvalidArgument). */
  | 'GATEWAY_BAD_REQUEST'
  /** The request body exceeds the limit (HTTP 413). */
  | 'GATEWAY_BODY_TOO_LARGE'
  /** The client closed its connection before its request body was read (gRPC Cancelled). */
  | 'GATEWAY_CLIENT_GONE'
  /** A streaming client read too slowly and was cut off. */
  | 'GATEWAY_SLOW_READER';

/** A failure found by the gateway itself, before or around the store. */
export class GatewayError extends RaftplaneError<GatewayErrorCode> {
  readonly grpcCode: GrpcCode;

  constructor(code: GatewayErrorCode, message: string, grpcCode: GrpcCode, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'GatewayError';
    this.grpcCode = grpcCode;
  }
}

export const badRequest = (message: string): GatewayError =>
  new GatewayError('GATEWAY_BAD_REQUEST', message, GrpcCode.INVALID_ARGUMENT);
