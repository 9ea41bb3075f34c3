import { CliError } from './cli-error.js';

export interface HttpReply {
  readonly status: number;
  readonly text: string;
}

/** One bounded HTTP request; a refused connection or a timeout becomes CLI_UNREACHABLE. */
export async function httpRequest(url: string, init: { method?: string; body?: string; timeoutMs: number }): Promise<HttpReply> {
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined ? { body: init.body, headers: { 'content-type': 'application/json' } } : {}),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new CliError('CLI_UNREACHABLE', `${url}: ${reason === 'TimeoutError' ? `no answer within ${init.timeoutMs} ms` : reason}`, { url });
  }
}

/**
 * POSTs a JSON body to an etcd gateway path and parses the answer. A gateway error
 * ({"error": "...", "code": n}) becomes CLI_REQUEST_FAILED with etcd's message.
 */
export async function postJson(baseUrl: string, path: string, body: unknown, timeoutMs: number): Promise<Record<string, unknown>> {
  const url = `${baseUrl}${path}`;
  const reply = await httpRequest(url, { method: 'POST', body: JSON.stringify(body), timeoutMs });
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.text);
  } catch {
    throw new CliError('CLI_REQUEST_FAILED', `${url}: HTTP ${reply.status}, not JSON: ${reply.text.slice(0, 200)}`, { url });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new CliError('CLI_REQUEST_FAILED', `${url}: unexpected answer ${reply.text.slice(0, 200)}`);
  const record = parsed as Record<string, unknown>;
  if (reply.status !== 200) {
    const message = typeof record['error'] === 'string' ? record['error'] : typeof record['message'] === 'string' ? record['message'] : reply.text.slice(0, 200);
    throw new CliError('CLI_REQUEST_FAILED', message, { url, status: reply.status });
  }
  return record;
}

/** etcd's gateway prints int64 fields as strings: accept either form. */
export function numberField(record: Record<string, unknown>, name: string): number | undefined {
  const value = record[name];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}
