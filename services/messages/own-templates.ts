import type { Executor } from '../../db/database.ts';
import { listMessageTemplates, type MessageTemplateRow } from '../../db/message-templates.repository.ts';
import type { OwnTemplates } from './render.ts';
import { isMessageEvent, type Language } from './templates.ts';

/**
 * The municipalities' own templates, as the activities that write messages read them: kept per
 * process for `ttlMs` (30 s), and dropped at once when this process changes them. Another process
 * (the API, where administrators edit them, beside the case and telephony workers) sees a change
 * within the TTL.
 */
export const ownTemplatesTtlMs = 30_000;
const cache = new Map<string, { at: number; templates: Promise<OwnTemplates> }>();

export function ownTemplatesOf(rows: MessageTemplateRow[]): OwnTemplates {
  const own: OwnTemplates = {};
  for (const r of rows) {
    if (!isMessageEvent(r.event)) continue; // an event no code sends any more
    (own[r.event] ??= {})[r.language as Language] = { subject: r.subject, body: r.body };
  }
  return own;
}

export function cachedOwnTemplates(db: Executor, municipalityId: string | null, now = Date.now()): Promise<OwnTemplates> {
  if (!municipalityId) return Promise.resolve({});
  const hit = cache.get(municipalityId);
  if (hit && now - hit.at < ownTemplatesTtlMs) return hit.templates;
  const templates = listMessageTemplates(db, municipalityId).then(ownTemplatesOf);
  cache.set(municipalityId, { at: now, templates });
  // A failed read is not kept: the next message asks again.
  templates.catch(() => cache.get(municipalityId)?.templates === templates && cache.delete(municipalityId));
  return templates;
}

export const forgetOwnTemplates = (municipalityId: string) => void cache.delete(municipalityId);
