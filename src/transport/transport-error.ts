import { RaftplaneError } from '../util/errors.js';

/** Stable codes for the transport's operating errors; callers switch on these, never on messages. */
export type TransportErrorCode =
  | 'TRANSPORT_BAD_FRAME' // a peer sent bytes that are not a well-formed frame
  | 'TRANSPORT_FRAME_TOO_LARGE'
  | 'TRANSPORT_UNEXPECTED_FRAME' // a well-formed frame that is not allowed in the link's current state
  | 'TRANSPORT_HANDSHAKE_FAILED'
  | 'TRANSPORT_SNAPSHOT_STREAM' // a chunked snapshot arrived out of order, too large, or corrupt
  | 'TRANSPORT_BAD_FAULT_RULE'
  | 'TRANSPORT_BAD_CONFIG'
  | 'TRANSPORT_SECRET_INSECURE'
  | 'TRANSPORT_SECRET_INVALID';

export class TransportError extends RaftplaneError<TransportErrorCode> {
  constructor(code: TransportErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'TransportError';
  }
}
