import { isApiModelError } from '../../api/errors.js';
import { PeerError } from '../../peer/errors.js';
import { GatewayError } from '../etcd/gateway-error.js';
import { StoreError } from '../../store/index.js';
import { ApiError, badRequest, internalError, serviceUnavailable, timeout, tooManyRequests } from './api-errors.js';

/** Any failure as the Status kube-apiserver would answer with (storage errors as it maps etcd's). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isApiModelError(error)) return badRequest(error.message);
  // The client is gone; the answer goes nowhere, and it is not the server's failure.
  if (error instanceof GatewayError && error.code === 'GATEWAY_CLIENT_GONE') return badRequest(error.message);
  if (error instanceof PeerError) {
    switch (error.code) {
      case 'PEER_TOO_MANY_REQUESTS':
        return tooManyRequests(1);
      case 'PEER_TIMEOUT':
      case 'PEER_LEADER_CHANGED':
        return timeout(`${error.message}; the request may or may not have taken effect`);
      default:
        return serviceUnavailable(error.message);
    }
  }
  if (error instanceof StoreError) {
    switch (error.code) {
      case 'STORE_VALUE_TOO_LARGE':
      case 'STORE_KEY_TOO_LARGE':
        return new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: etcdserver: request is too large');
      case 'STORE_NO_SPACE':
        return internalError('etcdserver: mvcc: database space exceeded');
      case 'STORE_TOO_MANY_WATCHERS':
        return tooManyRequests(1);
      default:
        return internalError(error.message);
    }
  }
  return internalError(error instanceof Error ? error.message : String(error));
}
