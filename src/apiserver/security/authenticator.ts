import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TokenEntry, UserInfo } from './token-file.js';

/** Every authenticated user is also in this group, as in Kubernetes. */
export const AUTHENTICATED_GROUP = 'system:authenticated';

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Bearer-token authentication. Tokens are held as SHA-256 digests and compared in constant
 * time, so neither memory dumps nor response timing give a token away.
 */
export class TokenAuthenticator {
  private readonly byDigestHex = new Map<string, { digest: Buffer; user: UserInfo }>();

  constructor(entries: readonly TokenEntry[]) {
    for (const entry of entries) {
      const d = digest(entry.token);
      this.byDigestHex.set(d.toString('hex'), { digest: d, user: entry.user });
    }
  }

  /** The user behind `Authorization: Bearer <token>`, or undefined. */
  authenticate(request: Pick<IncomingMessage, 'headers'>): UserInfo | undefined {
    const header = request.headers.authorization;
    if (header === undefined) return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) return undefined;
    const d = digest(match[1] as string);
    const found = this.byDigestHex.get(d.toString('hex'));
    if (found === undefined || !timingSafeEqual(found.digest, d)) return undefined;
    const groups = found.user.groups.includes(AUTHENTICATED_GROUP)
      ? found.user.groups
      : [...found.user.groups, AUTHENTICATED_GROUP];
    return { ...found.user, groups };
  }
}
