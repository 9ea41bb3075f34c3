import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_GROUP, type TokenAuthenticator } from './security/index.js';
import type { FaultRule } from '../transport/fault-rules.js';
import { validateFaultRules } from '../transport/index.js';
import { isRaftplaneError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { readBody } from './request-body.js';

export const ADMIN_FAULTS_PATH = '/admin/faults';

export interface FaultControl {
  setFaults(rules: readonly FaultRule[]): void;
  faults(): FaultRule[];
}

/**
 * The chaos switch of one peer's links: GET lists the fault rules in force, PUT
 * replaces them (a JSON array of rules, see src/transport/fault-rules.ts), DELETE
 * clears them. Cluster admins only (group system:masters), over TLS only.
 */
export async function handleAdminFaults(
  req: IncomingMessage,
  res: ServerResponse,
  options: { readonly authenticator: TokenAuthenticator; readonly transport: FaultControl; readonly logger: Logger },
): Promise<void> {
  const user = options.authenticator.authenticate(req);
  if (user === undefined) return json(res, 401, { error: 'Unauthorized: a bearer token is required' });
  if (!user.groups.includes(ADMIN_GROUP)) return json(res, 403, { error: `user "${user.name}" may not change fault rules` });
  switch (req.method) {
    case 'GET':
      return json(res, 200, { rules: options.transport.faults() });
    case 'DELETE':
      options.transport.setFaults([]);
      options.logger.warn({ user: user.name }, 'fault rules cleared');
      return json(res, 200, { rules: [] });
    case 'PUT':
    case 'POST': {
      let rules: FaultRule[];
      try {
        const body = await readBody(req, 1024 * 1024);
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        const listed = Array.isArray(parsed) ? parsed : typeof parsed === 'object' && parsed !== null ? (parsed as { rules?: unknown }).rules : undefined;
        rules = validateFaultRules(listed);
      } catch (error) {
        const message = isRaftplaneError(error) || error instanceof SyntaxError ? error.message : String(error);
        return json(res, 400, { error: `bad fault rules: ${message}` });
      }
      options.transport.setFaults(rules);
      options.logger.warn({ user: user.name, rules }, 'fault rules set');
      return json(res, 200, { rules: options.transport.faults() });
    }
    default:
      res.setHeader('Allow', 'GET, PUT, POST, DELETE');
      return json(res, 405, { error: `method ${req.method ?? ''} not allowed` });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
