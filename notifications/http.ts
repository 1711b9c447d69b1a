import { TemporaryFailure } from './channel.ts';

/**
 * One HTTP request to a provider, with a deadline. A network error or a timeout is a temporary
 * failure: the provider may have taken the message, so only an idempotent channel may repeat it
 * without risk (the SMS gateway dedups on clientRef).
 */
export async function request(url: string, init: RequestInit & { timeoutMs: number }): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs) });
  } catch (err) {
    const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${init.timeoutMs} ms` : String(err);
    throw new TemporaryFailure(`${new URL(url).host}: ${why}`);
  }
}

/** Seconds from a Retry-After header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfter(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** The start of a refusal's body, for last_error: enough to tell why, never a whole page. */
export async function reason(res: Response): Promise<string> {
  const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  return `${res.status}${text ? ` ${text.slice(0, 200)}` : ''}`;
}
