import simpleRestProvider from 'ra-data-simple-rest';
import { type DataProvider, fetchUtils, HttpError } from 'react-admin';
import type { Problem as ApiProblem } from '../../contracts/problem.ts';
import { sessionHeaders } from './authProvider.ts';
import { listResult } from './common/listTotal.ts';

const httpClient = (url: string, options: fetchUtils.Options = {}) => {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  for (const [k, v] of Object.entries(sessionHeaders())) headers.set(k, v);
  return fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' });
};
const base = simpleRestProvider('/api', httpClient);

/** An error's body: the API's problem+json, or less when something in between answered. */
export type Problem = Partial<ApiProblem>;

/** "invalid body: body.note: too long" — a 400's detail alone does not say which field is wrong. */
const problemMessage = (p: Problem, status: number) =>
  [p.detail ?? p.title ?? `HTTP ${status}`, ...(p.errors ?? []).map((e) => `${e.path}: ${e.message}`)].join(': ');

/** A problem's field errors by path without the `body.`/`querystring.` prefix, for showing each on its field. */
export function fieldErrors(error: unknown): Record<string, string> {
  const problem = (error as { body?: Problem } | null)?.body;
  return Object.fromEntries((problem?.errors ?? []).map((e) => [e.path.replace(/^(body|querystring)\./, ''), e.message]));
}

/**
 * A call beyond simple-rest (workflow commands, look-ups, search): JSON in and out, the CSRF header
 * on changes, and a problem answer thrown as an HttpError carrying the problem as its body.
 */
async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(`/api/${path}`, {
    method,
    credentials: 'same-origin',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...sessionHeaders(), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // A proxy in front of the API may answer errors with HTML.
  const json = (await res.json().catch(() => ({}))) as Problem & T;
  if (!res.ok) throw new HttpError(problemMessage(json, res.status), res.status, json);
  return json;
}

/** simple-rest's list request; its answer read by `listResult`, which knows a capped total. */
const getList: DataProvider['getList'] = async (resource, params) => {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 10 };
  const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
  const query = new URLSearchParams({
    sort: JSON.stringify([field, order]),
    range: JSON.stringify([(page - 1) * perPage, page * perPage - 1]),
    filter: JSON.stringify(params.filter ?? {}),
  });
  const { headers, json } = await httpClient(`/api/${resource}?${query}`, { signal: params.signal });
  return listResult(json as [], headers, page, perPage);
};

/** The simple-rest provider plus the calls that are not list/edit: see `call`. */
export const dataProvider = {
  ...base,
  getList,
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  del: <T>(path: string) => call<T>('DELETE', path),
};
export type SportelloDataProvider = typeof dataProvider;
