import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Principal } from '../domain/principal.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { findArticle, insertVersion, lockArticle, type VersionContent } from '../db/knowledge.repository.ts';
import { findMunicipality, findService } from '../db/reference.repository.ts';
import { ApiError, notFound } from './errors.ts';
import type { Article, ArticleRevision, NewArticle } from '../contracts/knowledge.ts';
import { createOnce } from './idempotency.ts';

/** Who is changing the knowledge base, and the request (for the audit trail). */
export interface Editor { principal: Principal; requestId: string }

const targetType = 'knowledge-article';

/** What a version stores of a request's article; absent optional fields are stored as null. */
export function versionContent(input: NewArticle | ArticleRevision, author: string): VersionContent {
  return {
    title: input.title, audience: input.audience ?? null, place: input.place ?? null, hours: input.hours ?? null,
    procedure: input.procedure ?? null, body: input.body, links: input.links, validFrom: input.validFrom, validTo: input.validTo ?? null,
    author,
  };
}

async function checkService(db: Db, municipalityId: string, serviceCode: string | null | undefined): Promise<void> {
  if (serviceCode && !(await findService(db, municipalityId, serviceCode))) {
    throw new ApiError('unprocessable', 'unknown service', [{ path: 'body.serviceCode', message: `municipality "${municipalityId}" offers no service "${serviceCode}"` }]);
  }
}

/** Version 1 of a new article; a repeated Idempotency-Key with the same body finds the first one. */
export async function createArticle(db: Db, input: NewArticle, idempotencyKey: string | undefined, { principal: p, requestId }: Editor) {
  if (!(await findMunicipality(db, input.municipalityId))) {
    throw new ApiError('unprocessable', 'unknown municipality', [{ path: 'body.municipalityId', message: `no municipality "${input.municipalityId}"` }]);
  }
  if (!p.municipalities.includes(input.municipalityId)) {
    throw new ApiError('forbidden', 'you do not serve this municipality', [{ path: 'body.municipalityId', message: `not one of ${p.municipalities.join(', ')}` }]);
  }
  await checkService(db, input.municipalityId, input.serviceCode);
  const { id, created } = await createOnce(db, 'knowledge.articles.create', idempotencyKey, input, randomUUID(), async (trx, newId) => {
    await trx.insertInto('articles').values({
      id: newId, municipality_id: input.municipalityId, service_code: input.serviceCode ?? null, current_version: 1,
    }).execute();
    const content = versionContent(input, p.id);
    await insertVersion(trx, newId, 1, content);
    await appendAudit(trx, {
      actor: p.id, role: p.role, municipalityId: input.municipalityId, action: 'knowledge-article.created', targetType, targetId: newId,
      requestId, after: { ...content, serviceCode: input.serviceCode ?? null, version: 1 },
    });
  });
  // An earlier request's article may since have left the caller's scope: then it is not theirs to see.
  const article = await findArticle(db, id, p.municipalities);
  if (!article) throw notFound(`article ${id}`);
  return { article, created };
}

/**
 * Writes the next version. The caller names the version it edited: if someone else wrote one
 * since, the change is refused rather than silently overwriting theirs.
 */
export async function reviseArticle(db: Db, id: string, input: ArticleRevision, { principal: p, requestId }: Editor): Promise<Article> {
  await db.transaction().execute(async (trx) => {
    const current = await lockArticle(trx, id, p.municipalities);
    if (!current) throw notFound(`article ${id}`);
    if (current.archived_at) throw new ApiError('conflict', `article ${id} is archived`);
    if (current.current_version !== input.expectedVersion) {
      throw new ApiError('conflict', `article ${id} was changed since version ${input.expectedVersion}: reload it and apply your change again`,
        [{ path: 'body.expectedVersion', message: `the article is at version ${current.current_version}` }]);
    }
    await checkService(trx, current.municipality_id, input.serviceCode);
    const version = current.current_version + 1;
    const content = versionContent(input, p.id);
    await insertVersion(trx, id, version, content);
    await trx.updateTable('articles').set({ current_version: version, service_code: input.serviceCode ?? null, updated_at: new Date() })
      .where('id', '=', id).execute();
    await appendAudit(trx, {
      actor: p.id, role: p.role, municipalityId: current.municipality_id, action: 'knowledge-article.revised', targetType, targetId: id,
      requestId, before: { version: current.current_version }, after: { ...content, serviceCode: input.serviceCode ?? null, version },
    });
  });
  return (await findArticle(db, id, p.municipalities))!;
}

/** Takes the article out of search and of the default list; its versions stay. */
export async function archiveArticle(db: Db, id: string, { principal: p, requestId }: Editor): Promise<Article> {
  await db.transaction().execute(async (trx) => {
    const current = await lockArticle(trx, id, p.municipalities);
    if (!current) throw notFound(`article ${id}`);
    if (current.archived_at) throw new ApiError('conflict', `article ${id} is already archived`);
    const now = new Date();
    await trx.updateTable('articles').set({ archived_at: now, updated_at: now }).where('id', '=', id).execute();
    await appendAudit(trx, {
      actor: p.id, role: p.role, municipalityId: current.municipality_id, action: 'knowledge-article.archived', targetType, targetId: id,
      requestId, before: { archivedAt: null }, after: { archivedAt: now },
    });
  });
  return (await findArticle(db, id, p.municipalities))!;
}
