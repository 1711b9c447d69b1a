import simpleRestProvider from 'ra-data-simple-rest';
import { HttpError } from 'react-admin';

const base = simpleRestProvider('/api');

interface Problem { title?: string; detail?: string; errors?: { path: string; message: string }[] }

/** The simple-rest provider plus the case actions, which are workflow updates rather than edits. */
export const dataProvider = {
  ...base,
  async resolveCase(id: string, body: { outcome: string; note?: string }) {
    const res = await fetch(`/api/cases/${encodeURIComponent(id)}/resolve`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const json = (await res.json()) as Problem & Record<string, unknown>;
    if (!res.ok) throw new HttpError(json.detail ?? json.title ?? `HTTP ${res.status}`, res.status, json);
    return json;
  },
};
export type SportelloDataProvider = typeof dataProvider;
