/** A logged-in staff session against a running API, for scripts and end-to-end tests. */
export type ApiFetch = (path: string, init?: RequestInit) => Promise<Response>;

/** Requests made with an API key (`Authorization: Bearer`), as integrations and the traffic simulator make them. */
export const withApiKey =
  (base: string, key: string): ApiFetch =>
  (path, init = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` },
    });

export async function logIn(base: string, email: string, password: string): Promise<ApiFetch> {
  const res = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`log-in as ${email}: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return (path, init = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>), cookie, 'x-csrf-token': csrfToken },
    });
}
