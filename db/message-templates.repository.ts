import type { Executor } from './database.ts';

/** A municipality's own template of an event in a language. */
export interface MessageTemplateRow {
  municipalityId: string;
  event: string;
  language: string;
  subject: string | null;
  body: string;
  updatedAt: Date;
  updatedBy: string;
}

const columns = [
  'municipality_id as municipalityId',
  'event',
  'language',
  'subject',
  'body',
  'updated_at as updatedAt',
  'updated_by as updatedBy',
] as const;

export async function listMessageTemplates(db: Executor, municipalityId: string): Promise<MessageTemplateRow[]> {
  return db.selectFrom('message_templates').select(columns).where('municipality_id', '=', municipalityId).execute();
}

export async function findMessageTemplate(
  db: Executor,
  key: { municipalityId: string; event: string; language: string },
): Promise<MessageTemplateRow | undefined> {
  return db
    .selectFrom('message_templates')
    .select(columns)
    .where('municipality_id', '=', key.municipalityId)
    .where('event', '=', key.event)
    .where('language', '=', key.language)
    .executeTakeFirst();
}

/** Writes the municipality's template of the event and language, replacing the one it had. */
export async function upsertMessageTemplate(
  db: Executor,
  t: { municipalityId: string; event: string; language: string; subject: string | null; body: string; updatedBy: string },
): Promise<MessageTemplateRow> {
  const values = { subject: t.subject, body: t.body, updated_by: t.updatedBy, updated_at: new Date() };
  return db
    .insertInto('message_templates')
    .values({ municipality_id: t.municipalityId, event: t.event, language: t.language, ...values })
    .onConflict((oc) => oc.columns(['municipality_id', 'event', 'language']).doUpdateSet(values))
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** Removes the municipality's template (the default words the event again); whether there was one. */
export async function deleteMessageTemplate(
  db: Executor,
  key: { municipalityId: string; event: string; language: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('message_templates')
    .where('municipality_id', '=', key.municipalityId)
    .where('event', '=', key.event)
    .where('language', '=', key.language)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
