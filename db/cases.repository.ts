import { type Kysely, sql, type Transaction } from 'kysely';
import type { Case, CaseDetail, CaseListFilter, caseSortFields } from '../contracts/cases.ts';
import type { Page } from '../domain/page.ts';
import type { Database } from './database.ts';

type Executor = Kysely<Database> | Transaction<Database>;
/** The municipalities whose cases a caller may see: every query of cases is bounded by one. */
export type Scope = readonly string[];

const sortColumns = {
  createdAt: 'cases.created_at', updatedAt: 'cases.updated_at', status: 'cases.status', id: 'cases.id',
} as const satisfies Record<(typeof caseSortFields)[number], string>;

function baseQuery(db: Executor) {
  return db.selectFrom('cases')
    .innerJoin('municipalities as m', 'm.id', 'cases.municipality_id')
    .innerJoin('services as s', (j) => j.onRef('s.municipality_id', '=', 'cases.municipality_id').onRef('s.code', '=', 'cases.service_code'));
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
    q = q.where((eb) => eb.exists(eb.selectFrom('tasks').select('tasks.id')
      .whereRef('tasks.case_id', '=', 'cases.id').where('tasks.status', '<>', 'done').where('tasks.sla_state', '=', state)));
  }
  if (f.citizen) {
    // One box for whatever the caller gives: phone number, fiscal code or e-mail.
    const c = f.citizen.trim();
    q = q.where((eb) => eb.or([
      eb(citizenKeys.phone, '=', c.replace(/[\s-]/g, '')),
      eb(citizenKeys.fiscalCode, '=', c.toUpperCase()),
      eb(citizenKeys.email, '=', c.toLowerCase()),
    ]));
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([
      eb('cases.id', 'ilike', like), eb('cases.subject', 'ilike', like), eb('cases.description', 'ilike', like),
    ]));
  }
  return q;
}

const caseColumns = [
  'cases.id', 'cases.municipality_id', 'm.name as municipality_name', 'cases.service_code', 's.name as service_name',
  'cases.channel', 'cases.status', 'cases.stage', 'cases.outcome', 'cases.subject', 'cases.description',
  'cases.citizen', 'cases.details', 'cases.location', 'cases.definition_version', 'cases.office_id', 'cases.solicitations',
  'cases.created_at', 'cases.updated_at', 'cases.resolved_at',
] as const;

type CaseSelection = Awaited<ReturnType<ReturnType<typeof selectCases>['executeTakeFirstOrThrow']>>;
const selectCases = (db: Executor, scope: Scope, f: CaseListFilter) => filtered(db, scope, f).select(caseColumns);

function rowToCase(r: CaseSelection): Case {
  return {
    id: r.id,
    municipalityId: r.municipality_id,
    municipalityName: r.municipality_name,
    serviceCode: r.service_code,
    serviceName: r.service_name,
    channel: r.channel,
    status: r.status,
    stage: r.stage,
    outcome: r.outcome,
    subject: r.subject,
    description: r.description,
    citizen: r.citizen,
    details: r.details,
    location: r.location,
    definitionVersion: r.definition_version,
    officeId: r.office_id,
    solicitations: r.solicitations,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
  };
}

export async function listCases(db: Executor, scope: Scope, filter: CaseListFilter, sort: [keyof typeof sortColumns, 'ASC' | 'DESC'], page: Page) {
  const [rows, count] = await Promise.all([
    selectCases(db, scope, filter)
      .orderBy(sortColumns[sort[0]], sort[1] === 'ASC' ? 'asc' : 'desc')
      .orderBy('cases.id', 'desc')
      .offset(page.offset).limit(page.limit)
      .execute(),
    filtered(db, scope, filter).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(rowToCase), total: count.n };
}

export async function findCase(db: Executor, id: string, scope: Scope): Promise<Case | undefined> {
  const row = await selectCases(db, scope, { id }).executeTakeFirst();
  return row && rowToCase(row);
}

/** The cases of one citizen (newest first, at most `limit`), found by a normalised contact. */
export async function findCitizenCases(db: Executor, scope: Scope, key: CitizenKey, value: string, limit: number): Promise<Case[]> {
  const rows = await selectCases(db, scope, {}).where(citizenKeys[key], '=', value)
    .orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(limit).execute();
  return rows.map(rowToCase);
}

export async function findCaseDetail(db: Executor, id: string, scope: Scope): Promise<CaseDetail | undefined> {
  const found = await findCase(db, id, scope);
  if (!found) return undefined;
  const events = await db.selectFrom('case_events')
    .select(['seq', 'type', 'at', 'stage', 'actor', 'data', 'definition_version'])
    .where('case_id', '=', id).orderBy('seq').execute();
  const tasks = await db.selectFrom('tasks').innerJoin('offices', 'offices.id', 'tasks.office_id')
    .select(['tasks.id', 'tasks.office_id', 'offices.name as office_name', 'tasks.assignee', 'tasks.status', 'tasks.warning_at',
      'tasks.due_at', 'tasks.sla_state', 'tasks.escalated', 'tasks.waiting_since'])
    .where('tasks.case_id', '=', id).orderBy('tasks.created_at').execute();
  return {
    ...found,
    events: events.map(({ definition_version, ...e }) => ({ ...e, at: e.at.toISOString(), definitionVersion: definition_version })),
    tasks: tasks.map((t) => ({
      id: t.id, officeId: t.office_id, officeName: t.office_name, assignee: t.assignee, status: t.status,
      warningAt: t.warning_at.toISOString(), dueAt: t.due_at.toISOString(), slaState: t.sla_state, escalated: t.escalated,
      waitingSince: t.waiting_since?.toISOString() ?? null,
    })),
  };
}
