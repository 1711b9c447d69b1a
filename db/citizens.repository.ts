import { type Selectable, sql, type Transaction } from 'kysely';
import { inList, type Scope } from './cases.repository.ts';
import type { CitizenMergeMoved, CitizensTable, Database, Executor } from './database.ts';

/**
 * The case events that are the citizen reaching us (recorded by workflows/case.ts). What we sent
 * them (notices, reminders, surveys) is read from the outbox, where its text is.
 */
const inboundEvents = ['case.opened', 'citizen.solicited', 'complaint.opened', 'information.received', 'survey.answered'];

/** The events of these cases that are the citizen reaching us. */
export function inboundCaseEventRows(db: Executor, caseIds: string[]) {
  return db
    .selectFrom('case_events')
    .select(['case_id', 'seq', 'type', 'at', 'data'])
    .where('case_id', 'in', inList(caseIds))
    .where('type', 'in', inboundEvents)
    .execute();
}

/** The messages of these cases sent to their citizen (the outbox also holds the reminders sent to offices). */
export function citizenMessageRows(db: Executor, caseIds: string[]) {
  return db
    .selectFrom('outbound_messages')
    .innerJoin('cases', 'cases.id', 'outbound_messages.case_id')
    .select(['cases.id as case_id', 'outbound_messages.channel', 'outbound_messages.body', 'outbound_messages.created_at'])
    .where('outbound_messages.case_id', 'in', inList(caseIds))
    .where((eb) =>
      eb.or([
        eb('outbound_messages.recipient', '=', sql<string>`cases.citizen->>'phone'`),
        eb('outbound_messages.recipient', '=', sql<string>`cases.citizen->>'email'`),
      ]),
    )
    .execute();
}

/*
 * The citizens registry (one record per person and municipality). Every read is bounded by the
 * caller's municipalities; records merged away (merged_into) are kept for the undo but never found.
 */

const citizenColumns = ['id', 'municipality_id', 'name', 'phones', 'emails', 'fiscal_code', 'address', 'created_at', 'updated_at'] as const;
export type CitizenRecordRow = Pick<Selectable<CitizensTable>, (typeof citizenColumns)[number]>;

/** The identifiers a record is found by, normalised (domain/citizen-identity.ts). */
export interface IdentifierQuery {
  phones: string[];
  emails: string[];
  fiscalCode: string | null;
}

/**
 * Serialises the intakes that could create the same citizen: a transaction lock per identifier,
 * taken in one order, so two cases of a new caller arriving together make one record.
 */
export async function lockIdentifiers(trx: Transaction<Database>, municipalityId: string, q: IdentifierQuery): Promise<void> {
  const keys = [...q.phones.map((p) => `p:${p}`), ...q.emails.map((e) => `e:${e}`), ...(q.fiscalCode ? [`f:${q.fiscalCode}`] : [])].sort();
  for (const k of keys) await sql`select pg_advisory_xact_lock(hashtextextended(${`citizen:${municipalityId}:${k}`}, 0))`.execute(trx);
}

/**
 * The live records of these municipalities that have any of the identifiers, oldest first. Locked
 * for an intake about to change one: a record a concurrent merge takes away is then not found.
 */
export function findCitizensByIdentifiers(db: Executor, scope: Scope, q: IdentifierQuery, forUpdate = false): Promise<CitizenRecordRow[]> {
  const query = db
    .selectFrom('citizens')
    .select(citizenColumns)
    .where('municipality_id', 'in', inList(scope))
    .where('merged_into', 'is', null)
    .where((eb) =>
      eb.or([
        ...(q.phones.length ? [eb('phones', '&&', sql<string[]>`${q.phones}::text[]`)] : []),
        ...(q.emails.length ? [eb('emails', '&&', sql<string[]>`${q.emails}::text[]`)] : []),
        ...(q.fiscalCode ? [eb('fiscal_code', '=', q.fiscalCode)] : []),
        sql<boolean>`false`,
      ]),
    )
    .orderBy('created_at')
    .orderBy('id');
  // Rows are locked in the order sorted: two intakes meeting the same records cannot deadlock.
  return (forUpdate ? query.forUpdate() : query).execute();
}

export function findCitizenRecord(db: Executor, id: string, scope: Scope, forUpdate = false) {
  let q = db
    .selectFrom('citizens')
    .select([...citizenColumns, 'merged_into'])
    .where('id', '=', id)
    .where('municipality_id', 'in', inList(scope));
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function insertCitizen(
  trx: Executor,
  c: { id: string; municipalityId: string; name: string | null; nameKey: string | null; address?: string | null } & IdentifierQuery,
): Promise<void> {
  await trx
    .insertInto('citizens')
    .values({
      id: c.id,
      municipality_id: c.municipalityId,
      name: c.name,
      name_key: c.nameKey,
      phones: c.phones,
      emails: c.emails,
      fiscal_code: c.fiscalCode,
      address: c.address ?? null,
      updated_at: new Date(),
    })
    .execute();
}

/** Adds identifiers (and a name, where the record has none) to a record; what it has already stays once. */
export async function addToCitizen(
  trx: Executor,
  id: string,
  add: IdentifierQuery & { name: string | null; nameKey: string | null },
): Promise<void> {
  await trx
    .updateTable('citizens')
    .set({
      phones: sql`array(select distinct unnest(phones || ${add.phones}::text[]) order by 1)`,
      emails: sql`array(select distinct unnest(emails || ${add.emails}::text[]) order by 1)`,
      fiscal_code: sql`coalesce(fiscal_code, ${add.fiscalCode})`,
      name: sql`coalesce(name, ${add.name})`,
      name_key: sql`coalesce(name_key, ${add.nameKey})`,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

/** Takes identifiers (and the name, when given) back from a record: the undo of a merge. */
export async function removeFromCitizen(trx: Executor, id: string, remove: IdentifierQuery & { name: string | null }): Promise<void> {
  await trx
    .updateTable('citizens')
    .set({
      phones: sql`array(select p from unnest(phones) p where not p = any(${remove.phones}::text[]) order by 1)`,
      emails: sql`array(select e from unnest(emails) e where not e = any(${remove.emails}::text[]) order by 1)`,
      fiscal_code: remove.fiscalCode ? sql`case when fiscal_code = ${remove.fiscalCode} then null else fiscal_code end` : sql`fiscal_code`,
      name: remove.name ? sql`case when name = ${remove.name} then null else name end` : sql`name`,
      name_key: remove.name ? sql`case when name = ${remove.name} then null else name_key end` : sql`name_key`,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

/** The citizen's postal address, as the newest case that gave one wrote it. */
export async function setCitizenAddress(trx: Executor, id: string, address: string): Promise<void> {
  await trx.updateTable('citizens').set({ address, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function setMergedInto(trx: Executor, id: string, into: string | null): Promise<void> {
  await trx.updateTable('citizens').set({ merged_into: into, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Points the case at its citizen (once: a case already linked keeps its record). */
export async function linkCaseToCitizen(trx: Executor, caseId: string, citizenId: string): Promise<void> {
  await trx.updateTable('cases').set({ citizen_id: citizenId }).where('id', '=', caseId).where('citizen_id', 'is', null).execute();
}

/**
 * Points the municipality's calls from (inbound) or to (outbound) these numbers, as stored, at the
 * citizen, where no record has them yet: a caller who hung up in the queue before their first case.
 */
export async function linkCallsOfNumbers(trx: Executor, municipalityId: string, numbers: string[], citizenId: string): Promise<void> {
  if (numbers.length === 0) return;
  await trx
    .updateTable('calls')
    .set({ citizen_id: citizenId })
    .where('municipality_id', '=', municipalityId)
    .where('citizen_id', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('direction', '=', 'inbound'), eb('caller', 'in', numbers)]),
        eb.and([eb('direction', '=', 'outbound'), eb('called', 'in', numbers)]),
      ]),
    )
    .execute();
}

/** Moves the cases and calls of one record to another; answers the ids moved, for the merge's record. */
export async function moveContacts(trx: Executor, from: string, to: string): Promise<{ cases: string[]; calls: string[] }> {
  const cases = await trx.updateTable('cases').set({ citizen_id: to }).where('citizen_id', '=', from).returning('id').execute();
  const calls = await trx.updateTable('calls').set({ citizen_id: to }).where('citizen_id', '=', from).returning('id').execute();
  return { cases: cases.map((c) => c.id).sort(), calls: calls.map((c) => c.id).sort() };
}

/** Moves these cases and calls back, those still on `from`. */
export async function moveContactsBack(trx: Executor, from: string, to: string, moved: { cases: string[]; calls: string[] }) {
  await trx.updateTable('cases').set({ citizen_id: to }).where('citizen_id', '=', from).where('id', 'in', inList(moved.cases)).execute();
  await trx.updateTable('calls').set({ citizen_id: to }).where('citizen_id', '=', from).where('id', 'in', inList(moved.calls)).execute();
}

export async function insertMerge(
  trx: Executor,
  m: { id: string; municipalityId: string; targetId: string; sourceId: string; moved: CitizenMergeMoved; by: string },
): Promise<void> {
  await trx
    .insertInto('citizen_merges')
    .values({
      id: m.id,
      municipality_id: m.municipalityId,
      target_id: m.targetId,
      source_id: m.sourceId,
      moved: JSON.stringify(m.moved),
      merged_by: m.by,
    })
    .execute();
}

const mergeColumns = [
  'id',
  'municipality_id',
  'target_id',
  'source_id',
  'moved',
  'merged_by',
  'merged_at',
  'undone_by',
  'undone_at',
] as const;

export function findMerge(db: Executor, id: string, scope: Scope, forUpdate = false) {
  let q = db.selectFrom('citizen_merges').select(mergeColumns).where('id', '=', id).where('municipality_id', 'in', inList(scope));
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}
export type CitizenMergeRow = NonNullable<Awaited<ReturnType<typeof findMerge>>>;

/** The merges of these records, newest first. */
export function mergesOf(db: Executor, citizenIds: string[]) {
  return db
    .selectFrom('citizen_merges')
    .select(mergeColumns)
    .where((eb) => eb.or([eb('target_id', 'in', inList(citizenIds)), eb('source_id', 'in', inList(citizenIds))]))
    .orderBy('merged_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** A merge that is in force and newer than `merge`, touching either of its records: it must be undone first. */
export async function laterMergeOf(db: Executor, merge: CitizenMergeRow): Promise<string | undefined> {
  const ids = [merge.target_id, merge.source_id];
  const row = await db
    .selectFrom('citizen_merges')
    .select('id')
    .where('undone_at', 'is', null)
    .where('id', '<>', merge.id)
    .where('merged_at', '>=', merge.merged_at)
    .where((eb) => eb.or([eb('target_id', 'in', ids), eb('source_id', 'in', ids)]))
    .executeTakeFirst();
  return row?.id;
}

export async function markMergeUndone(trx: Executor, id: string, by: string): Promise<void> {
  await trx.updateTable('citizen_merges').set({ undone_by: by, undone_at: new Date() }).where('id', '=', id).execute();
}

/**
 * Pairs of live records of one municipality that are likely one person: a phone, e-mail or fiscal
 * code in common, or the same name; never two different fiscal codes (two people).
 */
export async function likelyDuplicatePairs(db: Executor, scope: Scope, limit: number) {
  const { rows } = await sql<{ a: string; b: string; phone: boolean; email: boolean; fiscal_code: boolean; name: boolean }>`
    select a.id as a, b.id as b,
           a.phones && b.phones as phone, a.emails && b.emails as email,
           coalesce(a.fiscal_code = b.fiscal_code, false) as fiscal_code, coalesce(a.name_key = b.name_key, false) as name
    from citizens a
    join citizens b on b.municipality_id = a.municipality_id and b.id > a.id and b.merged_into is null
      and (a.phones && b.phones or a.emails && b.emails or a.fiscal_code = b.fiscal_code or a.name_key = b.name_key)
    where a.merged_into is null and a.municipality_id in (${sql.join(inList(scope))})
      and (a.fiscal_code is null or b.fiscal_code is null or a.fiscal_code = b.fiscal_code)
    order by a.municipality_id, a.id, b.id
    limit ${limit}`.execute(db);
  return rows;
}

export function citizenRecords(db: Executor, ids: string[]): Promise<CitizenRecordRow[]> {
  return db.selectFrom('citizens').select(citizenColumns).where('id', 'in', inList(ids)).execute();
}

/** How many cases each record has. */
export async function caseCounts(db: Executor, ids: string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('cases')
    .select(['citizen_id', sql<number>`count(*)::int`.as('n')])
    .where('citizen_id', 'in', inList(ids))
    .groupBy('citizen_id')
    .execute();
  return new Map(rows.map((r) => [r.citizen_id!, r.n]));
}
