import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import {
  deleteMessageTemplate,
  findMessageTemplate,
  listMessageTemplates,
  type MessageTemplateRow,
  upsertMessageTemplate,
} from '../db/message-templates.repository.ts';
import { formatCaseId } from '../domain/case.ts';
import { type Principal, serves } from '../domain/principal.ts';
import type { MessageTemplate, MessageTemplateInput } from '../contracts/message-templates.ts';
import { ApiError, type FieldError, notFound } from './errors.ts';
import { forgetOwnTemplates } from './messages/own-templates.ts';
import { renderTemplate, unknownPlaceholders } from './messages/render.ts';
import {
  type DataOf,
  isMessageEvent,
  type Language,
  languages,
  type Message,
  type MessageEvent,
  messageEvents,
  placeholdersOf,
  wordings,
} from './messages/templates.ts';
import { auditedBy, type Change } from './reference-data.ts';

/**
 * Administrators word their municipality's messages: per event and language, their own template
 * or the default. A template may use only its event's placeholders; its subject must name the case
 * (`{caseId}`: replies find their case by it). Changes are audited with digests of the template in
 * use before and after.
 */
export interface TemplateKey {
  municipalityId: string;
  event: string;
  language: Language;
}

/** A case number and a link to the citizen's page, as the preview shows them. */
export const sampleCaseId = formatCaseId(2026, 42);
export const samplePageUrl = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/c/esempio-di-collegamento-al-caso`;

/** The municipality, if the caller serves it: another's answers 404, as one that does not exist. */
function assertScope(p: Principal, municipalityId: string): void {
  if (!serves(p, municipalityId)) throw notFound(`municipality ${municipalityId}`);
}

function eventOf(event: string): MessageEvent {
  if (!isMessageEvent(event)) throw notFound(`message event ${event}`);
  return event;
}

function recordOf(municipalityId: string, event: MessageEvent, language: Language, row?: MessageTemplateRow): MessageTemplate {
  const w = wordings[event];
  return {
    id: `${event}:${language}`,
    municipalityId,
    event,
    language,
    audience: w.audience,
    custom: Boolean(row),
    subject: row?.subject ?? w.subject[language],
    body: row?.body ?? w.body[language],
    defaultSubject: w.subject[language],
    defaultBody: w.body[language],
    placeholders: placeholdersOf(event),
    updatedAt: row ? row.updatedAt.toISOString() : null,
    updatedBy: row?.updatedBy ?? null,
  };
}

/** A 400 naming the field for placeholders the event does not give, or a subject that does not name the case. */
function validate(event: MessageEvent, input: MessageTemplateInput): void {
  const errors: FieldError[] = [];
  const allowed = placeholdersOf(event)
    .map((p) => `{${p}}`)
    .join(', ');
  for (const [field, text] of [
    ['subject', input.subject],
    ['body', input.body],
  ] as const) {
    const unknown = text ? unknownPlaceholders(event, text) : [];
    if (unknown.length) {
      const names = unknown.map((u) => `{${u}}`).join(', ');
      errors.push({ path: `body.${field}`, message: `unknown placeholder ${names}; ${event} allows ${allowed}` });
    }
  }
  if (input.subject && !input.subject.includes('{caseId}')) {
    errors.push({ path: 'body.subject', message: 'must contain {caseId}: replies find their case by its number' });
  }
  if (errors.length) throw new ApiError('bad_request', 'the template does not fit its event', errors);
}

/** Every event in every language, as the municipality's messages are worded now. */
export async function listTemplates(db: Db, p: Principal, municipalityId: string): Promise<MessageTemplate[]> {
  assertScope(p, municipalityId);
  const rows = await listMessageTemplates(db, municipalityId);
  const own = new Map(rows.map((r) => [`${r.event}:${r.language}`, r]));
  return messageEvents.flatMap((event) => languages.map((l) => recordOf(municipalityId, event, l, own.get(`${event}:${l}`))));
}

/** The municipality's own template of the event and language, replacing the one it had. */
export async function putTemplate(db: Db, key: TemplateKey, input: MessageTemplateInput, change: Change): Promise<MessageTemplate> {
  assertScope(change.principal, key.municipalityId);
  const event = eventOf(key.event);
  validate(event, input);
  const after = await db.transaction().execute(async (trx) => {
    const before = recordOf(key.municipalityId, event, key.language, await findMessageTemplate(trx, key));
    const row = await upsertMessageTemplate(trx, {
      ...key,
      subject: input.subject ?? null,
      body: input.body,
      updatedBy: change.principal.id,
    });
    const record = recordOf(key.municipalityId, event, key.language, row);
    await audited(trx, change, key, 'updated', before, record);
    return record;
  });
  forgetOwnTemplates(key.municipalityId);
  return after;
}

/** Back to the default wording; the default's record. Audited only when there was a template of its own. */
export async function resetTemplate(db: Db, key: TemplateKey, change: Change): Promise<MessageTemplate> {
  assertScope(change.principal, key.municipalityId);
  const event = eventOf(key.event);
  const after = recordOf(key.municipalityId, event, key.language);
  await db.transaction().execute(async (trx) => {
    const row = await findMessageTemplate(trx, key);
    if (!row || !(await deleteMessageTemplate(trx, key))) return;
    await audited(trx, change, key, 'reset', recordOf(key.municipalityId, event, key.language, row), after);
  });
  forgetOwnTemplates(key.municipalityId);
  return after;
}

const audited = (
  trx: Parameters<typeof appendAudit>[0],
  change: Change,
  key: TemplateKey,
  verb: string,
  before: MessageTemplate,
  after: MessageTemplate,
) =>
  appendAudit(trx, {
    ...auditedBy(change),
    municipalityId: key.municipalityId,
    action: `message_template.${verb}`,
    targetType: 'message_template',
    targetId: `${key.municipalityId}:${key.event}:${key.language}`,
    before: { subject: before.subject, body: before.body, custom: before.custom },
    after: { subject: after.subject, body: after.body, custom: after.custom },
  });

/** The template as a message of its event would read, with the event's sample data; nothing is saved. */
export function previewTemplate(
  p: Principal,
  key: TemplateKey,
  input: MessageTemplateInput,
  publicUrl: string,
): { subject: string; body: string } {
  assertScope(p, key.municipalityId);
  const event = eventOf(key.event);
  validate(event, input);
  const wording = wordings[event];
  const message = { event, data: wording.sample as DataOf<typeof event> } as Message;
  const template = { subject: input.subject ?? wording.subject[key.language], body: input.body };
  const pageUrl = wording.audience === 'citizen' ? samplePageUrl(publicUrl) : null;
  return renderTemplate(message, template, { caseId: sampleCaseId, language: key.language, pageUrl });
}
