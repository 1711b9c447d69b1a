import { type Kysely, sql, type Transaction } from 'kysely';
import type { CaseStatus, Channel } from '../domain/case.ts';
import type { ListTotal, Page } from '../domain/page.ts';
import { cappedCountQuery, cappedTotal, withoutSeqScan } from './capped-count.ts';
import type { Database } from './database.ts';

type Executor = Kysely<Database> | Transaction<Database>;
/** The municipalities whose cases a caller may see: every query of cases is bounded by one. */
export type Scope = readonly string[];

/** What a list of cases can be narrowed by (the API's list filter is one). */
export interface CaseListFilter {
  id?: string | string[];
  status?: CaseStatus;
  municipalityId?: string;
  serviceCode?: string;
  definitionVersion?: number;
  channel?: Channel;
  stage?: string;
  officeId?: string;
  slaState?: 'on-track' | 'warning' | 'breached';
  /** Phone number, fiscal code or e-mail of the citizen. */
  citizen?: string;
  createdFrom?: string;
  createdTo?: string;
  q?: string;
}

const sortColumns = {
  createdAt: 'cases.created_at',
  updatedAt: 'cases.updated_at',
  status: 'cases.status',
  id: 'cases.id',
} as const;
export type CaseSort = readonly [keyof typeof sortColumns, 'ASC' | 'DESC'];

function baseQuery(db: Executor) {
  return db
    .selectFrom('cases')
    .innerJoin('municipalities as m', 'm.id', 'cases.municipality_id')
    .innerJoin('services as s', (j) =>
      j.onRef('s.municipality_id', '=', 'cases.municipality_id').onRef('s.code', '=', 'cases.service_code'),
    );
}

/** `in ()` is not valid SQL: an empty list matches nothing through a value no row has. */
export const inList = (values: readonly string[]) => (values.length ? values : ['']);

/**
 * A citizen's contacts as the cases' queries compare them, normalised: the expressions the
 * indexes of migration 2026_11_25_1020 are built on.
 */
export const citizenKeys = {
  phone: sql<string>`cases.citizen->>'phone'`,
  fiscalCode: sql<string>`upper(cases.citizen->>'fiscalCode')`,
  email: sql<string>`lower(cases.citizen->>'email')`,
};
export type CitizenKey = keyof typeof citizenKeys;

/** What the free text `q` searches: the expression the trigram index of migration 2026_12_02_1420 is built on. */
const caseText = sql<string>`(cases.id || ' ' || cases.subject || ' ' || cases.description)`;

function filtered(db: Executor, scope: Scope, f: CaseListFilter) {
  let q = baseQuery(db).where('cases.municipality_id', 'in', inList(scope));
  if (f.id !== undefined) q = q.where('cases.id', 'in', inList([f.id].flat()));
  if (f.status) q = q.where('cases.status', '=', f.status);
  if (f.municipalityId) q = q.where('cases.municipality_id', '=', f.municipalityId);
  if (f.serviceCode) q = q.where('cases.service_code', '=', f.serviceCode);
  if (f.definitionVersion) q = q.where('cases.definition_version', '=', f.definitionVersion);
  if (f.channel) q = q.where('cases.channel', '=', f.channel);
  if (f.stage) q = q.where('cases.stage', '=', f.stage);
  if (f.officeId) q = q.where('cases.office_id', '=', f.officeId);
  if (f.createdFrom) q = q.where('cases.created_at', '>=', new Date(f.createdFrom));
  if (f.createdTo) q = q.where('cases.created_at', '<', new Date(f.createdTo));
  if (f.slaState) {
    const state = f.slaState;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('tasks')
          .select('tasks.id')
          .whereRef('tasks.case_id', '=', 'cases.id')
          .where('tasks.status', '<>', 'done')
          .where('tasks.sla_state', '=', state),
      ),
    );
  }
  if (f.citizen) {
    // One box for whatever the caller gives: phone number, fiscal code or e-mail.
    const c = f.citizen.trim();
    q = q.where((eb) =>
      eb.or([
        eb(citizenKeys.phone, '=', c.replace(/[\s-]/g, '')),
        eb(citizenKeys.fiscalCode, '=', c.toUpperCase()),
        eb(citizenKeys.email, '=', c.toLowerCase()),
      ]),
    );
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(caseText, 'ilike', like);
  }
  return q;
}

const caseColumns = [
  'cases.id',
  'cases.municipality_id',
  'm.name as municipality_name',
  'cases.service_code',
  's.name as service_name',
  'cases.channel',
  'cases.status',
  'cases.stage',
  'cases.outcome',
  'cases.subject',
  'cases.description',
  'cases.citizen',
  'cases.citizen_id',
  'cases.details',
  'cases.location',
  'cases.definition_version',
  'cases.office_id',
  'cases.solicitations',
  'cases.created_at',
  'cases.updated_at',
  'cases.resolved_at',
] as const;

const selectCases = (db: Executor, scope: Scope, f: CaseListFilter) => filtered(db, scope, f).select(caseColumns);
/** A case with its municipality's and service's names. */
export type CaseRow = Awaited<ReturnType<ReturnType<typeof selectCases>['executeTakeFirstOrThrow']>>;

/** The two queries behind a page of cases: its rows and its capped count (bench/lists.ts explains them). */
export function caseListQueries(db: Executor, scope: Scope, filter: CaseListFilter, sort: CaseSort, page: Page) {
  return {
    rows: selectCases(db, scope, filter)
      .orderBy(sortColumns[sort[0]], sort[1] === 'ASC' ? 'asc' : 'desc')
      .orderBy('cases.id', 'desc')
      .offset(page.offset)
      .limit(page.limit),
    count: cappedCountQuery(filtered(db, scope, filter)),
    /** Free text is counted through its trigram index (see `withoutSeqScan`). */
    countWithoutSeqScan: !!filter.q,
  };
}

export async function listCaseRows(
  db: Executor,
  scope: Scope,
  filter: CaseListFilter,
  sort: CaseSort,
  page: Page,
): Promise<{ rows: CaseRow[]; total: ListTotal }> {
  const q = caseListQueries(db, scope, filter, sort, page);
  const count = () =>
    q.countWithoutSeqScan && !db.isTransaction
      ? withoutSeqScan(db as Kysely<Database>, (trx) => q.count.execute(trx))
      : q.count.execute(db);
  const [rows, { rows: counted }] = await Promise.all([q.rows.execute(), count()]);
  return { rows, total: cappedTotal(counted[0]!.n) };
}

export function findCaseRow(db: Executor, id: string, scope: Scope): Promise<CaseRow | undefined> {
  return selectCases(db, scope, { id }).executeTakeFirst();
}

/** The cases of one citizen (newest first, at most `limit`), found by a normalised contact. */
export function findCitizenCaseRows(db: Executor, scope: Scope, key: CitizenKey, value: string, limit: number): Promise<CaseRow[]> {
  return selectCases(db, scope, {})
    .where(citizenKeys[key], '=', value)
    .orderBy('cases.created_at', 'desc')
    .orderBy('cases.id', 'desc')
    .limit(limit)
    .execute();
}

/** The cases of these citizens' records (newest first, at most `limit`). */
export function citizenCaseRows(db: Executor, scope: Scope, citizenIds: string[], limit: number): Promise<CaseRow[]> {
  return selectCases(db, scope, {})
    .where('cases.citizen_id', 'in', inList(citizenIds))
    .orderBy('cases.created_at', 'desc')
    .orderBy('cases.id', 'desc')
    .limit(limit)
    .execute();
}

/** A case's timeline, in order. */
export function caseEventRows(db: Executor, caseId: string) {
  return db
    .selectFrom('case_events')
    .select(['seq', 'type', 'at', 'stage', 'actor', 'data', 'definition_version'])
    .where('case_id', '=', caseId)
    .orderBy('seq')
    .execute();
}

/** A case's office tasks, oldest first, with their office's name. */
export function caseTaskRows(db: Executor, caseId: string) {
  return db
    .selectFrom('tasks')
    .innerJoin('offices', 'offices.id', 'tasks.office_id')
    .select([
      'tasks.id',
      'tasks.office_id',
      'offices.name as office_name',
      'tasks.assignee',
      'tasks.status',
      'tasks.warning_at',
      'tasks.due_at',
      'tasks.sla_state',
      'tasks.escalated',
      'tasks.waiting_since',
    ])
    .where('tasks.case_id', '=', caseId)
    .orderBy('tasks.created_at')
    .execute();
}
export type CaseTaskRow = Awaited<ReturnType<typeof caseTaskRows>>[number];

/**
 * The caller's open case on a municipality, found by phone number in any of its forms; a case
 * the call is already attached to comes first, else the newest.
 */
export async function openCaseOfCaller(
  db: Executor,
  municipalityId: string,
  phones: string[],
  callId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('cases')
    .select('id')
    .where('municipality_id', '=', municipalityId)
    .where('status', '=', 'open')
    .where(sql<string>`citizen->>'phone'`, 'in', phones)
    .orderBy(sql`id in (select case_id from case_events where type = 'call.attached' and data->>'callId' = ${callId})`, 'desc')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.id;
}
