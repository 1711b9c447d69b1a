import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils, HttpError } from 'react-admin';
import { sessionHeaders } from './authProvider.ts';

const httpClient = (url: string, options: fetchUtils.Options = {}) => {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  for (const [k, v] of Object.entries(sessionHeaders())) headers.set(k, v);
  return fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' });
};
const base = simpleRestProvider('/api', httpClient);

interface Problem { title?: string; detail?: string; errors?: { path: string; message: string }[] }

/** "invalid body: body.note: too long" — a 400's detail alone does not say which field is wrong. */
const problemMessage = (p: Problem, status: number) =>
  [p.detail ?? p.title ?? `HTTP ${status}`, ...(p.errors ?? []).map((e) => `${e.path}: ${e.message}`)].join(': ');

export type CaseAction = 'resolve' | 'transfer';

/** The simple-rest provider plus the case actions, which are workflow updates rather than edits. */
export const dataProvider = {
  ...base,
  async caseAction(id: string, action: CaseAction, body: { outcome?: string; note?: string }) {
    const res = await fetch(`/api/cases/${encodeURIComponent(id)}/${action}`, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', ...sessionHeaders() }, body: JSON.stringify(body),
    });
    // A proxy in front of the API may answer errors with HTML.
    const json = (await res.json().catch(() => ({}))) as Problem & Record<string, unknown>;
    if (!res.ok) throw new HttpError(problemMessage(json, res.status), res.status, json);
    return json;
  },
};
export type SportelloDataProvider = typeof dataProvider;
