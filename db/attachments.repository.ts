import type { AttachmentsTable, Executor } from './database.ts';
import type { Insertable } from 'kysely';

export type NewAttachment = Omit<Insertable<AttachmentsTable>, 'created_at'>;
export interface AttachmentInfo {
  id: string;
  caseId: string | null;
  municipalityId: string;
  source: AttachmentsTable['source'];
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: Date;
}

const info = [
  'id',
  'case_id as caseId',
  'municipality_id as municipalityId',
  'source',
  'file_name as fileName',
  'content_type as contentType',
  'size',
  'sha256',
  'created_at as createdAt',
] as const;

export const insertAttachment = (db: Executor, a: NewAttachment): Promise<AttachmentInfo> =>
  db.insertInto('attachments').values(a).returning(info).executeTakeFirstOrThrow();

export const attachmentsOfCase = (db: Executor, caseId: string): Promise<AttachmentInfo[]> =>
  db.selectFrom('attachments').select(info).where('case_id', '=', caseId).orderBy('created_at').execute();

export const findAttachment = (db: Executor, id: string) =>
  db
    .selectFrom('attachments')
    .select([...info, 'content'])
    .where('id', '=', id)
    .executeTakeFirst();

export async function linkAttachments(db: Executor, ids: string[], caseId: string): Promise<void> {
  if (ids.length)
    await db.updateTable('attachments').set({ case_id: caseId }).where('id', 'in', ids).where('case_id', 'is', null).execute();
}
