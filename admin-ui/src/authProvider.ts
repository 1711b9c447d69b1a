import type { AuthProvider } from 'react-admin';
import type { Session } from '../../contracts/session.ts';

// The session itself is an httpOnly cookie the page cannot read; what the page keeps is the CSRF
// token every change must carry, and who is logged in. After a reload both come from GET /api/session.
let session: Session | null = null;

async function loadSession(): Promise<typeof session> {
  const res = await fetch('/api/session', { credentials: 'same-origin' });
  session = res.ok ? await res.json() : null;
  return session;
}

/** Headers of an API request: the CSRF token for changes. */
export function sessionHeaders(): Record<string, string> {
  return session ? { 'x-csrf-token': session.csrfToken } : {};
}

/** Where a case's workflow history is in the Temporal web UI, when the API knows one. */
export const temporalWorkflowUrl = (caseId: string) =>
  session?.temporalUiUrl ? `${session.temporalUiUrl}/${encodeURIComponent(caseId)}` : undefined;

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    const res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: username, password }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.detail ?? 'login failed');
    session = body;
  },
  async logout() {
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin', headers: sessionHeaders() });
    session = null;
  },
  async checkAuth() {
    if (!session && !(await loadSession())) throw new Error('not logged in');
  },
  async checkError(error: { status?: number }) {
    if (error?.status === 401) {
      session = null;
      throw new Error('session expired');
    }
  },
  async getIdentity() {
    const s = session ?? (await loadSession());
    if (!s) throw new Error('not logged in');
    return { id: s.user.id, fullName: s.user.displayName, role: s.user.role };
  },
  async getPermissions() {
    return (session ?? (await loadSession()))?.user.role;
  },
};
