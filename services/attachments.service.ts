import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Executor } from '../db/database.ts';
import { type AttachmentInfo, attachmentsOfCase, findAttachment, insertAttachment, linkAttachments } from '../db/attachments.repository.ts';
import { findCaseRow, type Scope } from '../db/cases.repository.ts';
import type { Attachment } from '../contracts/attachments.ts';
import { ApiError, notFound } from './errors.ts';

/** What a citizen may send: photos, PDFs and plain text, each up to 10 MB. */
export const attachmentLimits = {
  maxBytes: 10 * 1024 * 1024,
  types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] as readonly string[],
};

export interface IncomingFile {
  fileName: string;
  contentType: string;
  content: Buffer;
}

/** Why a file is refused, or null when it may be kept. */
export function refusalOf(file: IncomingFile): string | null {
  const type = file.contentType.split(';')[0]!.trim().toLowerCase();
  if (!attachmentLimits.types.includes(type)) return `files of type ${type} are not accepted (${attachmentLimits.types.join(', ')})`;
  if (file.content.length > attachmentLimits.maxBytes) return `the file is larger than ${attachmentLimits.maxBytes / 1024 / 1024} MB`;
  if (file.content.length === 0) return 'the file is empty';
  return null;
}

/**
 * Keeps a file a citizen sent, within the limits (a 400 naming `path` otherwise). The name is kept
 * only as a label: it never becomes a path.
 */
export async function storeAttachment(
  db: Executor,
  a: IncomingFile & { caseId: string | null; municipalityId: string; source: AttachmentInfo['source'] },
  path = 'file',
): Promise<AttachmentInfo> {
  const refusal = refusalOf(a);
  if (refusal) throw new ApiError('bad_request', refusal, [{ path, message: refusal }]);
  return insertAttachment(db, {
    id: randomUUID(),
    case_id: a.caseId,
    municipality_id: a.municipalityId,
    source: a.source,
    file_name:
      [...a.fileName]
        .filter((ch) => ch >= ' ' && ch !== '/' && ch !== '\\')
        .join('')
        .slice(0, 200) || 'file',
    content_type: a.contentType.split(';')[0]!.trim().toLowerCase(),
    size: a.content.length,
    sha256: createHash('sha256').update(a.content).digest('hex'),
    content: a.content,
  });
}

export const caseAttachments = (db: Db, caseId: string) => attachmentsOfCase(db, caseId);
export const attachmentWithContent = (db: Db, id: string) => findAttachment(db, id);
export const attachToCase = (db: Executor, ids: string[], caseId: string) => linkAttachments(db, ids, caseId);

const toAttachment = (a: AttachmentInfo): Attachment => ({
  id: a.id,
  caseId: a.caseId,
  source: a.source,
  fileName: a.fileName,
  contentType: a.contentType,
  size: a.size,
  sha256: a.sha256,
  createdAt: a.createdAt.toISOString(),
});

/** The files of a case the caller's municipalities hold (404 otherwise). */
export async function listCaseAttachments(db: Db, caseId: string, scope: Scope): Promise<Attachment[]> {
  if (!(await findCaseRow(db, caseId, scope))) throw notFound(`case ${caseId}`);
  return (await attachmentsOfCase(db, caseId)).map(toAttachment);
}

/** A file with its content, when it belongs to one of the caller's municipalities (404 otherwise, as for a missing one). */
export async function downloadAttachment(db: Db, id: string, scope: Scope): Promise<Attachment & { content: Buffer }> {
  const found = await findAttachment(db, id);
  if (!found || !scope.includes(found.municipalityId)) throw notFound(`attachment ${id}`);
  return { ...toAttachment(found), content: found.content };
}
