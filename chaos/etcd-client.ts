/** The few etcd v3 JSON calls a chaos run makes, through the CLI's own gateway client. */
import { numberField, postJson } from '../src/cli/http-json.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: unknown): string => Buffer.from(typeof s === 'string' ? s : '', 'base64').toString();

async function call(api: string, path: string, body: unknown, timeoutMs: number): Promise<Record<string, unknown> | undefined> {
  try {
    return await postJson(api, path, body, timeoutMs);
  } catch {
    return undefined; // refused, timed out or an etcd error: the caller treats it as not done
  }
}

/**
 * 'acked' only when the write was acknowledged (committed and applied); 'refused' when
 * the peer refused the connection, so the write certainly did not happen (e.g. the peer
 * is down or still starting); 'failed' for anything else, whose outcome is unknown.
 */
export async function put(api: string, key: string, value: string): Promise<'acked' | 'refused' | 'failed'> {
  try {
    await postJson(api, '/v3/kv/put', { key: b64(key), value: b64(value) }, 3000);
    return 'acked';
  } catch (error) {
    return (error as { code?: string }).code === 'CLI_UNREACHABLE' && /ECONNREFUSED/.test((error as Error).message) ? 'refused' : 'failed';
  }
}

/** Every key under a prefix on this peer's own copy (serializable: no leader needed). */
export async function localPrefix(api: string, prefix: string): Promise<Map<string, string> | undefined> {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const reply = await call(api, '/v3/kv/range', { key: b64(prefix), range_end: b64(end), serializable: true }, 10_000);
  if (reply === undefined) return undefined;
  const kvs = (reply['kvs'] as { key: string; value?: string }[] | undefined) ?? [];
  return new Map(kvs.map((kv) => [unb64(kv.key), unb64(kv.value)]));
}

export interface PeerStatus {
  readonly leader: string;
  readonly term: number;
  readonly member: string;
}

export async function status(api: string): Promise<PeerStatus | undefined> {
  const reply = await call(api, '/v3/maintenance/status', {}, 1000);
  if (reply === undefined) return undefined;
  const header = reply['header'] as Record<string, unknown>;
  return { leader: String(reply['leader'] ?? '0'), term: numberField(reply, 'raftTerm') ?? 0, member: String(header['member_id'] ?? '') };
}
