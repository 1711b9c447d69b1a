import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection.ts';
import type { Principal } from '../domain/principal.ts';
import { appendAudit } from '../db/audit.repository.ts';
import type { Page } from '../domain/page.ts';
import {
  archiveArticle as archiveArticleRow,
  type ArticleRow,
  type ArticleVersionRow,
  findArticle,
  findArticleVersion,
  insertArticle,
  insertVersion,
  listArticles as listArticleRows,
  listVersions,
  lockArticle,
  searchKnowledge as searchArticles,
  setCurrentVersion,
  type VersionContent,
} from '../db/knowledge.repository.ts';
import { findMunicipality, findService } from '../db/reference.repository.ts';
import { ApiError, notFound } from './errors.ts';
import type {
  Article,
  ArticleDetail,
  ArticleListFilter,
  ArticleRevision,
  articleSortFields,
  ArticleVersion,
  KnowledgeHit,
  KnowledgeSearchQuery,
  NewArticle,
} from '../contracts/knowledge.ts';
import { createOnce } from './idempotency.ts';

/** Who is changing the knowledge base, and the request (for the audit trail). */
export interface Editor {
  principal: Principal;
  requestId: string;
}

const targetType = 'knowledge-article';

function rowToVersion(r: ArticleVersionRow): ArticleVersion {
  return {
    articleId: r.article_id,
    version: r.version,
    title: r.title,
    audience: r.audience,
    place: r.place,
    hours: r.hours,
    procedure: r.procedure,
    body: r.body,
    links: r.links,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    author: r.author,
    createdAt: r.created_at,
  };
}

function rowToArticle(r: ArticleRow): Article {
  const { articleId: _, createdAt: __, ...content } = rowToVersion(r);
  return {
    ...content,
    id: r.id,
    municipalityId: r.municipality_id,
    serviceCode: r.service_code,
    archivedAt: r.archived_at,
    createdAt: r.article_created_at,
    updatedAt: r.updated_at,
  };
}

/** Articles valid today that answer a question, best first. */
export const searchKnowledge = (db: Db, p: Principal, q: KnowledgeSearchQuery): Promise<KnowledgeHit[]> =>
  searchArticles(db, p.municipalities, q);

export async function listArticles(
  db: Db,
  p: Principal,
  filter: ArticleListFilter,
  sort: readonly [(typeof articleSortFields)[number], 'ASC' | 'DESC'],
  page: Page,
) {
  const { rows, total } = await listArticleRows(db, p.municipalities, filter, sort, page);
  return { rows: rows.map(rowToArticle), total };
}

/** An article as it stands, with the list of its versions; 404 outside the caller's scope. */
export async function articleDetail(db: Db, id: string, p: Principal): Promise<ArticleDetail> {
  const found = await findArticle(db, id, p.municipalities);
  if (!found) throw notFound(`article ${id}`);
  const versions = await listVersions(db, id);
  return {
    ...rowToArticle(found),
    versions: versions.map((v) => ({
      version: v.version,
      title: v.title,
      author: v.author,
      createdAt: v.created_at,
      validFrom: v.valid_from,
      validTo: v.valid_to,
    })),
  };
}

export async function articleVersion(db: Db, id: string, version: number, p: Principal): Promise<ArticleVersion> {
  const found = await findArticleVersion(db, id, version, p.municipalities);
  if (!found) throw notFound(`version ${version} of article ${id}`);
  return rowToVersion(found);
}

/** The article as it stands now; it may since have left the caller's scope: then it is not theirs to see. */
async function articleNow(db: Db, id: string, p: Principal): Promise<Article> {
  const found = await findArticle(db, id, p.municipalities);
  if (!found) throw notFound(`article ${id}`);
  return rowToArticle(found);
}

/** What a version stores of a request's article; absent optional fields are stored as null. */
export function versionContent(input: NewArticle | ArticleRevision, author: string): VersionContent {
  return {
    title: input.title,
    audience: input.audience ?? null,
    place: input.place ?? null,
    hours: input.hours ?? null,
    procedure: input.procedure ?? null,
    body: input.body,
    links: input.links,
    validFrom: input.validFrom,
    validTo: input.validTo ?? null,
    author,
  };
}

async function checkService(db: Db, municipalityId: string, serviceCode: string | null | undefined): Promise<void> {
  if (serviceCode && !(await findService(db, municipalityId, serviceCode))) {
    throw new ApiError('unprocessable', 'unknown service', [
      { path: 'body.serviceCode', message: `municipality "${municipalityId}" offers no service "${serviceCode}"` },
    ]);
  }
}

/** Version 1 of a new article; a repeated Idempotency-Key with the same body finds the first one. */
export async function createArticle(db: Db, input: NewArticle, idempotencyKey: string | undefined, { principal: p, requestId }: Editor) {
  if (!(await findMunicipality(db, input.municipalityId))) {
    throw new ApiError('unprocessable', 'unknown municipality', [
      { path: 'body.municipalityId', message: `no municipality "${input.municipalityId}"` },
    ]);
  }
  if (!p.municipalities.includes(input.municipalityId)) {
    throw new ApiError('forbidden', 'you do not serve this municipality', [
      { path: 'body.municipalityId', message: `not one of ${p.municipalities.join(', ')}` },
    ]);
  }
  await checkService(db, input.municipalityId, input.serviceCode);
  const { id, created } = await createOnce(db, 'knowledge.articles.create', idempotencyKey, input, randomUUID(), async (trx, newId) => {
    await insertArticle(trx, { id: newId, municipalityId: input.municipalityId, serviceCode: input.serviceCode ?? null });
    const content = versionContent(input, p.id);
    await insertVersion(trx, newId, 1, content);
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      municipalityId: input.municipalityId,
      action: 'knowledge-article.created',
      targetType,
      targetId: newId,
      requestId,
      after: { ...content, serviceCode: input.serviceCode ?? null, version: 1 },
    });
  });
  return { article: await articleNow(db, id, p), created };
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
      throw new ApiError(
        'conflict',
        `article ${id} was changed since version ${input.expectedVersion}: reload it and apply your change again`,
        [{ path: 'body.expectedVersion', message: `the article is at version ${current.current_version}` }],
      );
    }
    await checkService(trx, current.municipality_id, input.serviceCode);
    const version = current.current_version + 1;
    const content = versionContent(input, p.id);
    await insertVersion(trx, id, version, content);
    await setCurrentVersion(trx, id, version, input.serviceCode ?? null);
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      municipalityId: current.municipality_id,
      action: 'knowledge-article.revised',
      targetType,
      targetId: id,
      requestId,
      before: { version: current.current_version },
      after: { ...content, serviceCode: input.serviceCode ?? null, version },
    });
  });
  return articleNow(db, id, p);
}

/** Takes the article out of search and of the default list; its versions stay. */
export async function archiveArticle(db: Db, id: string, { principal: p, requestId }: Editor): Promise<Article> {
  await db.transaction().execute(async (trx) => {
    const current = await lockArticle(trx, id, p.municipalities);
    if (!current) throw notFound(`article ${id}`);
    if (current.archived_at) throw new ApiError('conflict', `article ${id} is already archived`);
    const now = new Date();
    await archiveArticleRow(trx, id, now);
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      municipalityId: current.municipality_id,
      action: 'knowledge-article.archived',
      targetType,
      targetId: id,
      requestId,
      before: { archivedAt: null },
      after: { archivedAt: now },
    });
  });
  return articleNow(db, id, p);
}
