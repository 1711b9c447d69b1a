import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Page } from '../domain/page.ts';
import type { Scope } from './cases.repository.ts';
import type { ArticleVersionsTable, Database } from './database.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** Which articles a list shows, besides the caller's municipalities. */
export interface ArticleListFilter {
  id?: string | string[];
  municipalityId?: string;
  serviceCode?: string;
  q?: string;
  includeArchived?: boolean;
}
/** A search: web-search syntax words, optionally within a municipality or a service. */
export interface KnowledgeSearch {
  q: string;
  municipalityId?: string;
  serviceCode?: string;
  limit: number;
}

const inScope = (scope: Scope) => (scope.length ? [...scope] : ['']);
// Typographic apostrophes are read as plain ones, as in the stored vectors ("d’identità" is "d'identità").
const plainApostrophes = (text: string) => text.replaceAll('’', "'");
const italianQuery = (q: string) => sql`websearch_to_tsquery('italian', ${plainApostrophes(q)})`;
// Validity is a calendar day where the citizens are, whatever the server's time zone.
const today = sql<string>`(now() at time zone 'Europe/Rome')::date`;

const versionColumns = [
  'v.article_id',
  'v.version',
  'v.title',
  'v.audience',
  'v.place',
  'v.hours',
  'v.procedure',
  'v.body',
  'v.links',
  'v.valid_from',
  'v.valid_to',
  'v.author',
  'v.created_at',
] as const;
export type ArticleVersionRow = Omit<Selectable<ArticleVersionsTable>, 'search'>;

/** Articles of the scope joined to their current version. */
function currentArticles(db: Executor, scope: Scope) {
  return db
    .selectFrom('articles as a')
    .innerJoin('article_versions as v', (j) => j.onRef('v.article_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'))
    .where('a.municipality_id', 'in', inScope(scope));
}

const articleColumns = [
  ...versionColumns,
  'a.id',
  'a.municipality_id',
  'a.service_code',
  'a.archived_at',
  'a.created_at as article_created_at',
  'a.updated_at',
] as const;
const selectArticles = (db: Executor, scope: Scope) => currentArticles(db, scope).select(articleColumns);
/** An article's row joined to its current version's. */
export type ArticleRow = Awaited<ReturnType<ReturnType<typeof selectArticles>['executeTakeFirstOrThrow']>>;

function filtered(db: Executor, scope: Scope, f: ArticleListFilter) {
  let q = currentArticles(db, scope);
  if (f.id !== undefined) q = q.where('a.id', 'in', Array.isArray(f.id) ? (f.id.length ? f.id : ['']) : [f.id]);
  if (f.municipalityId) q = q.where('a.municipality_id', '=', f.municipalityId);
  if (f.serviceCode) q = q.where('a.service_code', '=', f.serviceCode);
  if (f.q) q = q.where(sql<boolean>`v.search @@ ${italianQuery(f.q)}`);
  if (!f.includeArchived) q = q.where('a.archived_at', 'is', null);
  return q;
}

const sortColumns = { updatedAt: 'a.updated_at', title: 'v.title' } as const;

export async function listArticles(
  db: Executor,
  scope: Scope,
  filter: ArticleListFilter,
  sort: readonly [keyof typeof sortColumns, 'ASC' | 'DESC'],
  page: Page,
): Promise<{ rows: ArticleRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(db, scope, filter)
      .select(articleColumns)
      .orderBy(sortColumns[sort[0]], sort[1] === 'ASC' ? 'asc' : 'desc')
      .orderBy('a.id')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    filtered(db, scope, filter)
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.n };
}

export function findArticle(db: Executor, id: string, scope: Scope): Promise<ArticleRow | undefined> {
  return selectArticles(db, scope).where('a.id', '=', id).executeTakeFirst();
}

/** The versions of an article, newest first (the caller has found the article in its scope). */
export function listVersions(db: Executor, articleId: string) {
  return db
    .selectFrom('article_versions')
    .select(['version', 'title', 'author', 'created_at', 'valid_from', 'valid_to'])
    .where('article_id', '=', articleId)
    .orderBy('version', 'desc')
    .execute();
}

export function findArticleVersion(db: Executor, id: string, version: number, scope: Scope): Promise<ArticleVersionRow | undefined> {
  return db
    .selectFrom('article_versions as v')
    .innerJoin('articles as a', 'a.id', 'v.article_id')
    .select(versionColumns)
    .where('a.id', '=', id)
    .where('v.version', '=', version)
    .where('a.municipality_id', 'in', inScope(scope))
    .executeTakeFirst();
}

/** The article's row, locked until the end of the transaction: revisions of one article queue up. */
export function lockArticle(trx: Transaction<Database>, id: string, scope: Scope) {
  return trx
    .selectFrom('articles')
    .select(['id', 'municipality_id', 'current_version', 'archived_at'])
    .where('id', '=', id)
    .where('municipality_id', 'in', inScope(scope))
    .forUpdate()
    .executeTakeFirst();
}

/** What a version stores; absent optional fields are null. */
export interface VersionContent {
  title: string;
  audience: string | null;
  place: string | null;
  hours: string | null;
  procedure: string | null;
  body: string;
  links: { label: string; url: string }[];
  validFrom: string;
  validTo: string | null;
  author: string;
}

export async function insertArticle(
  trx: Transaction<Database>,
  a: { id: string; municipalityId: string; serviceCode: string | null },
): Promise<void> {
  await trx
    .insertInto('articles')
    .values({ id: a.id, municipality_id: a.municipalityId, service_code: a.serviceCode, current_version: 1 })
    .execute();
}

/** Points the article at its newest version (and that version's service). */
export async function setCurrentVersion(
  trx: Transaction<Database>,
  id: string,
  version: number,
  serviceCode: string | null,
): Promise<void> {
  await trx
    .updateTable('articles')
    .set({ current_version: version, service_code: serviceCode, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function archiveArticle(trx: Transaction<Database>, id: string, at: Date): Promise<void> {
  await trx.updateTable('articles').set({ archived_at: at, updated_at: at }).where('id', '=', id).execute();
}

export async function insertVersion(db: Executor, articleId: string, version: number, c: VersionContent): Promise<void> {
  await db
    .insertInto('article_versions')
    .values({
      article_id: articleId,
      version,
      title: c.title,
      audience: c.audience,
      place: c.place,
      hours: c.hours,
      procedure: c.procedure,
      body: c.body,
      links: JSON.stringify(c.links),
      valid_from: c.validFrom,
      valid_to: c.validTo,
      author: c.author,
    })
    .execute();
}

/**
 * Ranked full-text search over the current versions valid today of the articles not archived,
 * with the matching words highlighted.
 */
export async function searchKnowledge(db: Executor, scope: Scope, s: KnowledgeSearch) {
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
  return q
    .select([
      'a.id',
      'v.title',
      'a.municipality_id as municipalityId',
      'a.service_code as serviceCode',
      'v.version',
      sql<number>`round(ts_rank_cd(v.search, ${query})::numeric, 4)::float8`.as('rank'),
      sql<string>`ts_headline('italian', ${escaped}, ${query}, 'StartSel=<mark>,StopSel=</mark>,MaxFragments=2,MaxWords=30,MinWords=10')`.as(
        'snippet',
      ),
    ])
    .orderBy('rank', 'desc')
    .orderBy('a.updated_at', 'desc')
    .orderBy('a.id')
    .limit(s.limit)
    .execute();
}
