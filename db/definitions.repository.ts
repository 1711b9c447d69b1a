import { type Kysely, sql, type Transaction } from 'kysely';
import { type ServiceDefinition, ServiceDefinitionSchema } from '../domain/service-definition.ts';
import { type CaseStatus, caseStatuses } from '../domain/case.ts';
import type { Page } from '../domain/page.ts';
import type { Scope } from './cases.repository.ts';
import type { Database } from './database.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export interface DefinitionVersion {
  serviceCode: string;
  version: number;
  status: 'draft' | 'published';
  createdAt: Date;
  publishedAt: Date | null;
  document: ServiceDefinition;
}

/** Stores a validated definition as the next draft version of its service; returns that version. */
export async function insertDraft(db: Executor, definition: ServiceDefinition): Promise<number> {
  const { version } = await db
    .insertInto('service_definitions')
    .values((eb) => ({
      service_code: definition.service.code,
      version: eb
        .selectFrom('service_definitions')
        .select(sql<number>`coalesce(max(version), 0) + 1`.as('next'))
        .where('service_code', '=', definition.service.code),
      status: 'draft',
      document: JSON.stringify(definition),
    }))
    .returning('version')
    .executeTakeFirstOrThrow();
  return version;
}

/** Replaces a draft's document; false if there is no such draft (unknown, or published). */
export async function updateDraft(db: Executor, serviceCode: string, version: number, definition: ServiceDefinition): Promise<boolean> {
  const result = await db
    .updateTable('service_definitions')
    .set({ document: JSON.stringify(definition) })
    .where('service_code', '=', serviceCode)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Publishes a draft; false if there is no such draft (unknown, or already published). */
export async function publishDraft(db: Executor, serviceCode: string, version: number): Promise<boolean> {
  const result = await db
    .updateTable('service_definitions')
    .set({ status: 'published', published_at: sql<Date>`now()` })
    .where('service_code', '=', serviceCode)
    .where('version', '=', version)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Serialises the writes to one service's versions until the transaction ends, so that the next
 * version number and the one-draft rule are decided by one writer at a time.
 */
export async function lockDefinitions(trx: Transaction<Database>, serviceCode: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`service_definitions:${serviceCode}`}))`.execute(trx);
}

function versions(db: Executor, serviceCode: string) {
  return db
    .selectFrom('service_definitions')
    .select(['service_code', 'version', 'status', 'created_at', 'published_at', 'document'])
    .where('service_code', '=', serviceCode);
}
type VersionRow = Awaited<ReturnType<ReturnType<typeof versions>['executeTakeFirstOrThrow']>>;

// Stored documents were validated when drafted; parsing again applies defaults added since.
const rowToVersion = (r: VersionRow): DefinitionVersion => ({
  serviceCode: r.service_code,
  version: r.version,
  status: r.status,
  createdAt: r.created_at,
  publishedAt: r.published_at,
  document: ServiceDefinitionSchema.parse(r.document),
});

export async function findDefinition(db: Executor, serviceCode: string, version: number): Promise<DefinitionVersion | undefined> {
  const row = await versions(db, serviceCode).where('version', '=', version).executeTakeFirst();
  return row && rowToVersion(row);
}

/** The service's newest version, draft or published: what a new draft or an edit starts from. */
export async function newestDefinition(db: Executor, serviceCode: string): Promise<DefinitionVersion | undefined> {
  const row = await versions(db, serviceCode).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && rowToVersion(row);
}

/** The newest published version of a service's definition, which new cases start on. */
export async function latestPublished(
  db: Executor,
  serviceCode: string,
): Promise<{ version: number; document: ServiceDefinition } | undefined> {
  const row = await versions(db, serviceCode).where('status', '=', 'published').orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && { version: row.version, document: rowToVersion(row).document };
}

/** The municipalities offering a service: they share its definition, each with its competent office. */
export async function municipalitiesOffering(db: Executor, serviceCode: string): Promise<string[]> {
  const rows = await db.selectFrom('services').select('municipality_id').where('code', '=', serviceCode).execute();
  return rows.map((r) => r.municipality_id);
}

// `in ()` is not valid SQL: an empty scope matches nothing through an id no municipality has.
const inScope = (scope: Scope) => (scope.length ? scope : ['']);

export interface DefinitionListFilter {
  serviceCode?: string;
  status?: 'draft' | 'published';
}
const definitionSortColumns = { serviceCode: 'sd.service_code', version: 'sd.version', publishedAt: 'sd.published_at' } as const;

/**
 * Versions of the services offered in the caller's municipalities, each with the number of the
 * caller's cases pinned to it.
 */
export async function listDefinitions(
  db: Executor,
  scope: Scope,
  f: DefinitionListFilter,
  sort: readonly [keyof typeof definitionSortColumns, 'ASC' | 'DESC'],
  page: Page,
) {
  let q = db
    .selectFrom('service_definitions as sd')
    .where('sd.service_code', 'in', (eb) => eb.selectFrom('services').select('code').where('municipality_id', 'in', inScope(scope)));
  if (f.serviceCode) q = q.where('sd.service_code', '=', f.serviceCode);
  if (f.status) q = q.where('sd.status', '=', f.status);
  const [rows, count] = await Promise.all([
    q
      .select((eb) => [
        'sd.service_code',
        'sd.version',
        'sd.status',
        'sd.created_at',
        'sd.published_at',
        sql<string>`sd.document->'service'->>'name'`.as('service_name'),
        eb
          .selectFrom('cases')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('cases.municipality_id', 'in', inScope(scope))
          .whereRef('cases.service_code', '=', 'sd.service_code')
          .whereRef('cases.definition_version', '=', 'sd.version')
          .as('case_count'),
      ])
      .orderBy(definitionSortColumns[sort[0]], (ob) => (sort[1] === 'ASC' ? ob.asc() : ob.desc()).nullsLast())
      .orderBy('sd.service_code')
      .orderBy('sd.version', 'desc')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { total: count.n, rows: rows.map((r) => ({ ...r, case_count: r.case_count ?? 0 })) };
}

/** How many of the caller's cases run on a version, by status. */
export async function caseCountsByStatus(
  db: Executor,
  serviceCode: string,
  version: number,
  scope: Scope,
): Promise<Record<CaseStatus, number>> {
  const rows = await db
    .selectFrom('cases')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('service_code', '=', serviceCode)
    .where('definition_version', '=', version)
    .where('municipality_id', 'in', inScope(scope))
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(caseStatuses.map((status) => [status, 0])) as Record<CaseStatus, number>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
