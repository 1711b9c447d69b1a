import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type {
  Article, ArticleDetail, ArticleListFilter, articleSortFields, ArticleVersion, KnowledgeHit, KnowledgeSearchQuery,
} from '../contracts/knowledge.ts';
import type { Page } from '../domain/page.ts';
import type { Scope } from './cases.repository.ts';
import type { ArticleVersionsTable, Database } from './database.ts';

type Executor = Kysely<Database> | Transaction<Database>;

const inScope = (scope: Scope) => (scope.length ? [...scope] : ['']);
// Typographic apostrophes are read as plain ones, as in the stored vectors ("d’identità" is "d'identità").
const plainApostrophes = (text: string) => text.replaceAll('’', "'");
const italianQuery = (q: string) => sql`websearch_to_tsquery('italian', ${plainApostrophes(q)})`;
// Validity is a calendar day where the citizens are, whatever the server's time zone.
const today = sql<string>`(now() at time zone 'Europe/Rome')::date`;

const versionColumns = [
  'v.article_id', 'v.version', 'v.title', 'v.audience', 'v.place', 'v.hours', 'v.procedure', 'v.body', 'v.links',
  'v.valid_from', 'v.valid_to', 'v.author', 'v.created_at',
] as const;
type VersionRow = Omit<Selectable<ArticleVersionsTable>, 'search'>;

function rowToVersion(r: VersionRow): ArticleVersion {
  return {
    articleId: r.article_id, version: r.version, title: r.title, audience: r.audience, place: r.place, hours: r.hours,
    procedure: r.procedure, body: r.body, links: r.links, validFrom: r.valid_from, validTo: r.valid_to, author: r.author,
    createdAt: r.created_at,
  };
}

/** Articles of the scope joined to their current version. */
function currentArticles(db: Executor, scope: Scope) {
  return db.selectFrom('articles as a')
    .innerJoin('article_versions as v', (j) => j.onRef('v.article_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'))
    .where('a.municipality_id', 'in', inScope(scope));
}

const articleColumns = [...versionColumns, 'a.id', 'a.municipality_id', 'a.service_code', 'a.archived_at', 'a.created_at as article_created_at', 'a.updated_at'] as const;
type ArticleSelection = Awaited<ReturnType<ReturnType<typeof selectArticles>['executeTakeFirstOrThrow']>>;
const selectArticles = (db: Executor, scope: Scope) => currentArticles(db, scope).select(articleColumns);

function rowToArticle(r: ArticleSelection): Article {
  const { articleId: _, createdAt: __, ...content } = rowToVersion(r);
  return {
    ...content, id: r.id, municipalityId: r.municipality_id, serviceCode: r.service_code, archivedAt: r.archived_at,
    createdAt: r.article_created_at, updatedAt: r.updated_at,
  };
}

function filtered(db: Executor, scope: Scope, f: ArticleListFilter) {
  let q = currentArticles(db, scope);
  if (f.id !== undefined) q = q.where('a.id', 'in', Array.isArray(f.id) ? (f.id.length ? f.id : ['']) : [f.id]);
  if (f.municipalityId) q = q.where('a.municipality_id', '=', f.municipalityId);
  if (f.serviceCode) q = q.where('a.service_code', '=', f.serviceCode);
  if (f.q) q = q.where(sql<boolean>`v.search @@ ${italianQuery(f.q)}`);
  if (!f.includeArchived) q = q.where('a.archived_at', 'is', null);
  return q;
}

const sortColumns = { updatedAt: 'a.updated_at', title: 'v.title' } as const satisfies Record<(typeof articleSortFields)[number], string>;

export async function listArticles(db: Executor, scope: Scope, filter: ArticleListFilter, sort: [keyof typeof sortColumns, 'ASC' | 'DESC'], page: Page) {
  const [rows, count] = await Promise.all([
    filtered(db, scope, filter).select(articleColumns)
      .orderBy(sortColumns[sort[0]], sort[1] === 'ASC' ? 'asc' : 'desc').orderBy('a.id')
      .offset(page.offset).limit(page.limit).execute(),
    filtered(db, scope, filter).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(rowToArticle), total: count.n };
}

export async function findArticle(db: Executor, id: string, scope: Scope): Promise<Article | undefined> {
  const row = await selectArticles(db, scope).where('a.id', '=', id).executeTakeFirst();
  return row && rowToArticle(row);
}

export async function findArticleDetail(db: Executor, id: string, scope: Scope): Promise<ArticleDetail | undefined> {
  const found = await findArticle(db, id, scope);
  if (!found) return undefined;
  const versions = await db.selectFrom('article_versions')
    .select(['version', 'title', 'author', 'created_at as createdAt', 'valid_from as validFrom', 'valid_to as validTo'])
    .where('article_id', '=', id).orderBy('version', 'desc').execute();
  return { ...found, versions };
}

export async function findArticleVersion(db: Executor, id: string, version: number, scope: Scope): Promise<ArticleVersion | undefined> {
  const row = await db.selectFrom('article_versions as v').innerJoin('articles as a', 'a.id', 'v.article_id')
    .select(versionColumns).where('a.id', '=', id).where('v.version', '=', version)
    .where('a.municipality_id', 'in', inScope(scope)).executeTakeFirst();
  return row && rowToVersion(row);
}

/** The article's row, locked until the end of the transaction: revisions of one article queue up. */
export function lockArticle(trx: Transaction<Database>, id: string, scope: Scope) {
  return trx.selectFrom('articles').select(['id', 'municipality_id', 'current_version', 'archived_at'])
    .where('id', '=', id).where('municipality_id', 'in', inScope(scope)).forUpdate().executeTakeFirst();
}

export type VersionContent = Omit<ArticleVersion, 'articleId' | 'version' | 'createdAt'>;

export async function insertVersion(db: Executor, articleId: string, version: number, c: VersionContent): Promise<void> {
  await db.insertInto('article_versions').values({
    article_id: articleId, version, title: c.title, audience: c.audience, place: c.place, hours: c.hours, procedure: c.procedure,
    body: c.body, links: JSON.stringify(c.links), valid_from: c.validFrom, valid_to: c.validTo, author: c.author,
  }).execute();
}

/**
 * Ranked full-text search over the current versions valid today of the articles not archived,
 * with the matching words highlighted.
 */
export async function searchKnowledge(db: Executor, scope: Scope, s: KnowledgeSearchQuery): Promise<KnowledgeHit[]> {
  const query = italianQuery(s.q);
  // Escaped before highlighting: the snippet is HTML whose only tags are the <mark>s.
  const escaped = sql`replace(replace(replace(translate(concat_ws(' — ', v.body, v.procedure, v.audience, v.place, v.hours), '’', ''''),
    '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;
  let q = currentArticles(db, scope)
    .where('a.archived_at', 'is', null)
    .where('v.valid_from', '<=', today)
    .where((eb) => eb.or([eb('v.valid_to', 'is', null), eb('v.valid_to', '>=', today)]))
    .where(sql<boolean>`v.search @@ ${query}`);
  if (s.municipalityId) q = q.where('a.municipality_id', '=', s.municipalityId);
  if (s.serviceCode) q = q.where('a.service_code', '=', s.serviceCode);
  const rows = await q.select([
    'a.id', 'v.title', 'a.municipality_id as municipalityId', 'a.service_code as serviceCode', 'v.version',
    sql<number>`round(ts_rank_cd(v.search, ${query})::numeric, 4)::float8`.as('rank'),
    sql<string>`ts_headline('italian', ${escaped}, ${query}, 'StartSel=<mark>,StopSel=</mark>,MaxFragments=2,MaxWords=30,MinWords=10')`.as('snippet'),
  ]).orderBy('rank', 'desc').orderBy('a.updated_at', 'desc').orderBy('a.id').limit(s.limit).execute();
  return rows;
}
