import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Citizen, CaseLocation } from '../domain/case.ts';
import { redactedMark, redactJson } from '../domain/redaction.ts';
import { inList } from './cases.repository.ts';
import type { CitizenMergeMoved, Executor } from './database.ts';
import { destroyPayloadKeys } from './payload-keys.repository.ts';

type Redact = (text: string) => string;
const json = (v: unknown) => JSON.stringify(v);
const emptySha256 = createHash('sha256').update(Buffer.alloc(0)).digest('hex');

/** Lets this transaction rewrite the data of case and call events (their trigger refuses it otherwise). */
const allowRedaction = (db: Executor) => sql`select set_config('sportello.redaction', 'on', true)`.execute(db);

/** A record and every record merged into it (and into those), the way a person's data was gathered. */
export async function recordsOfPerson(db: Executor, id: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with recursive r(id) as (select ${id}::text union select c.id from citizens c join r on c.merged_into = r.id)
    select id from r`.execute(db);
  return rows.map((r) => r.id);
}

export function citizenRowsForErasure(db: Executor, ids: string[]) {
  return db
    .selectFrom('citizens')
    .select(['id', 'municipality_id', 'name', 'phones', 'emails', 'fiscal_code', 'address', 'merged_into', 'erased_at'])
    .where('id', 'in', inList(ids))
    .forUpdate()
    .execute();
}

/** The cases of the records, and those of the municipality linked to no record whose citizen carries one of the identifiers. */
export function casesOfPerson(
  db: Executor,
  q: { citizenIds: string[]; municipalityId: string; phones: string[]; emails: string[]; fiscalCodes: string[] },
) {
  return db
    .selectFrom('cases')
    .select(['id', 'status', 'citizen', 'citizen_id', 'municipality_id'])
    .select((eb) =>
      eb
        .exists(
          eb.selectFrom('case_events as e').select('e.seq').whereRef('e.case_id', '=', 'cases.id').where('e.type', '=', 'case.closed'),
        )
        .as('closed'),
    )
    .where((eb) =>
      eb.or([
        eb('citizen_id', 'in', inList(q.citizenIds)),
        // Not linked to another record: a phone may be a family's, and their cases are theirs.
        eb.and([
          eb('municipality_id', '=', q.municipalityId),
          eb('citizen_id', 'is', null),
          eb.or([
            eb(sql`citizen->>'phone'`, 'in', inList(q.phones)),
            eb(sql`lower(citizen->>'email')`, 'in', inList(q.emails)),
            eb(sql`upper(citizen->>'fiscalCode')`, 'in', inList(q.fiscalCodes)),
          ]),
        ]),
      ]),
    )
    .orderBy('id')
    .forUpdate()
    .execute();
}

export function caseRowsForAnonymising(db: Executor, ids: string[]) {
  return db
    .selectFrom('cases')
    .select(['id', 'municipality_id', 'citizen', 'citizen_id', 'subject', 'description', 'details', 'location'])
    .where('id', 'in', inList(ids))
    .execute();
}

/** The calls a case's events name (`call.attached`, `call.transferred`). */
export async function callsOfCases(db: Executor, caseIds: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('case_events')
    .select(sql<string>`data->>'callId'`.as('call_id'))
    .distinct()
    .where('case_id', 'in', inList(caseIds))
    .where(sql`data->>'callId'`, 'is not', null)
    .execute();
  return rows.map((r) => r.call_id);
}

/** The person's calls: linked to the records, or linked to none and from or to one of their numbers (on the municipality's lines, or on none). */
export async function callsOfPerson(
  db: Executor,
  q: { citizenIds: string[]; municipalityId: string; numbers: string[] },
): Promise<string[]> {
  const rows = await db
    .selectFrom('calls')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('citizen_id', 'in', inList(q.citizenIds)),
        eb.and([
          eb('citizen_id', 'is', null),
          eb.or([eb('municipality_id', '=', q.municipalityId), eb('municipality_id', 'is', null)]),
          eb.or([eb('caller', 'in', inList(q.numbers)), eb('called', 'in', inList(q.numbers))]),
        ]),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Removes the person from the cases: the citizen snapshot emptied, their data redacted from every
 * text of the cases and of what hangs on them (events, messages, letters, inbound mail), files
 * emptied, page links revoked, idempotency records and Open311 photo links dropped, and each
 * case's Temporal payload key destroyed. Counts what it changed.
 */
export async function anonymiseCases(db: Executor, caseIds: string[], redact: Redact, by: string, at: Date) {
  if (!caseIds.length) return { cases: 0, events: 0, messages: 0, attachments: 0, payloadKeys: 0 };
  for (const c of await caseRowsForAnonymising(db, caseIds)) {
    await db
      .updateTable('cases')
      .set({
        citizen: json({} satisfies Citizen),
        subject: redact(c.subject),
        description: redact(c.description),
        details: json(redactJson(c.details, redact)),
        location: c.location ? json(redactJson<CaseLocation>(c.location, redact)) : null,
        anonymised_at: at,
      })
      .where('id', '=', c.id)
      .execute();
  }
  await allowRedaction(db);
  const events = await db.selectFrom('case_events').select(['case_id', 'seq', 'data']).where('case_id', 'in', caseIds).execute();
  for (const e of events) {
    const data = redactJson(e.data, redact);
    if (json(data) !== json(e.data))
      await db
        .updateTable('case_events')
        .set({ data: json(data) })
        .where('case_id', '=', e.case_id)
        .where('seq', '=', e.seq)
        .execute();
  }
  const messages = await anonymiseMessages(db, { caseIds }, redact);
  const letters = await db.selectFrom('letters').select(['id', 'subject']).where('case_id', 'in', caseIds).execute();
  for (const l of letters) {
    await db
      .updateTable('letters')
      .set({ recipient_name: null, address: redactedMark, subject: l.subject && redact(l.subject), pdf: Buffer.alloc(0) })
      .where('id', '=', l.id)
      .execute();
  }
  const files = await db
    .updateTable('attachments')
    .set({ content: Buffer.alloc(0), size: 0, sha256: emptySha256, file_name: redactedMark })
    .where('case_id', 'in', caseIds)
    .executeTakeFirst();
  const mails = await db.selectFrom('inbound_mails').select(['id', 'message_id']).where('case_id', 'in', caseIds).execute();
  for (const m of mails) {
    if (redact(m.message_id) !== m.message_id)
      await db
        .updateTable('inbound_mails')
        .set({ message_id: `${redactedMark}:${m.id}` })
        .where('id', '=', m.id)
        .execute();
  }
  await db
    .updateTable('citizen_links')
    .set({ revoked_at: at, revoked_by: by })
    .where('case_id', 'in', caseIds)
    .where('revoked_at', 'is', null)
    .execute();
  await db.deleteFrom('idempotency_keys').where('resource_id', 'in', caseIds).execute();
  await db.deleteFrom('open311_media').where('case_id', 'in', caseIds).execute();
  const payloadKeys = await destroyPayloadKeys(db, caseIds);
  return { cases: caseIds.length, events: events.length, messages, attachments: Number(files.numUpdatedRows), payloadKeys };
}

/** Messages of the cases, or (`recipients`) to the person on no case (a callback's text): recipient, wording and errors redacted. */
export async function anonymiseMessages(db: Executor, q: { caseIds?: string[]; recipients?: string[] }, redact: Redact): Promise<number> {
  if (!q.caseIds?.length && !q.recipients?.length) return 0;
  const rows = await db
    .selectFrom('outbound_messages')
    .select(['id', 'recipient', 'subject', 'body', 'last_error', 'dedup_key'])
    .where((eb) =>
      eb.or([
        ...(q.caseIds?.length ? [eb('case_id', 'in', q.caseIds)] : []),
        ...(q.recipients?.length ? [eb.and([eb('case_id', 'is', null), eb('recipient', 'in', q.recipients)])] : []),
      ]),
    )
    .execute();
  for (const m of rows) {
    const recipient = redact(m.recipient) !== m.recipient || q.recipients?.includes(m.recipient) ? redactedMark : m.recipient;
    const dedup = redact(m.dedup_key);
    await db
      .updateTable('outbound_messages')
      .set({
        recipient,
        subject: m.subject && redact(m.subject),
        body: redact(m.body),
        last_error: m.last_error && redact(m.last_error),
        dedup_key: dedup === m.dedup_key ? m.dedup_key : `${dedup}:${m.id}`,
      })
      .where('id', '=', m.id)
      .execute();
  }
  return rows.length;
}

/** Calls: the person's number replaced, their data redacted from the recorded events. */
export async function anonymiseCalls(db: Executor, callIds: string[], redact: Redact): Promise<number> {
  if (!callIds.length) return 0;
  const calls = await db.selectFrom('calls').select(['id', 'caller', 'called']).where('id', 'in', callIds).execute();
  for (const c of calls) {
    const caller = redact(c.caller) !== c.caller ? redactedMark : c.caller;
    const called = redact(c.called) !== c.called ? redactedMark : c.called;
    await db.updateTable('calls').set({ caller, called, citizen_id: null }).where('id', '=', c.id).execute();
  }
  await allowRedaction(db);
  const events = await db.selectFrom('call_events').select(['call_id', 'seq', 'data']).where('call_id', 'in', callIds).execute();
  for (const e of events) {
    const data = redactJson(e.data, redact);
    if (json(data) !== json(e.data))
      await db
        .updateTable('call_events')
        .set({ data: json(data) })
        .where('call_id', '=', e.call_id)
        .where('seq', '=', e.seq)
        .execute();
  }
  return calls.length;
}

/** The calls' callers and times: what an abandoned caller's callback workflow id was made from. */
export async function callCallers(db: Executor, callIds: string[]): Promise<{ caller: string; started_at: Date; ended_at: Date | null }[]> {
  if (!callIds.length) return [];
  return db.selectFrom('calls').select(['caller', 'started_at', 'ended_at']).where('id', 'in', callIds).execute();
}

/** Every line's id (a callback's id names its line). */
export async function allLineIds(db: Executor): Promise<string[]> {
  return (await db.selectFrom('lines').select('id').execute()).map((r) => r.id);
}

/**
 * The payload keys of the abandoned callers' callback workflows: those among `ids` (today's keyed
 * ids, `callback-<line>-<date>-<hash>`) and those named after one of the numbers (the ids before,
 * `callback-<line>-<number>-<date>`). Destroyed, and renamed so nothing of the person stays in the
 * table. Returns the workflow ids, for deleting their executions from Temporal.
 */
export async function destroyCallbackKeys(db: Executor, q: { ids: string[]; numbers: string[] }): Promise<string[]> {
  const digits = [...new Set(q.numbers.map((n) => n.replace(/[^0-9+]/g, '')).filter((n) => n.length >= 6))];
  if (!digits.length && !q.ids.length) return [];
  const rows = await db
    .selectFrom('payload_keys')
    .select('id')
    .where((eb) => eb.or([...(q.ids.length ? [eb('id', 'in', q.ids)] : []), ...digits.map((d) => eb('id', 'like', `callback-%-${d}-%`))]))
    .execute();
  const ids = rows.map((r) => r.id);
  await destroyPayloadKeys(db, ids);
  for (const id of ids) {
    await db
      .updateTable('payload_keys')
      .set({ id: `erased-${createHash('sha256').update(id).digest('hex')}` })
      .where('id', '=', id)
      .execute();
  }
  return ids;
}

/** The registry records emptied but for their ids, and what merges between them recorded of the person. */
export async function eraseCitizenRecords(db: Executor, ids: string[], at: Date): Promise<void> {
  await db
    .updateTable('citizens')
    .set({ name: null, name_key: null, phones: [], emails: [], fiscal_code: null, address: null, erased_at: at, updated_at: at })
    .where('id', 'in', inList(ids))
    .execute();
  const merges = await db
    .selectFrom('citizen_merges')
    .select(['id', 'moved'])
    .where((eb) => eb.or([eb('target_id', 'in', inList(ids)), eb('source_id', 'in', inList(ids))]))
    .execute();
  for (const m of merges) {
    const moved: CitizenMergeMoved = { cases: m.moved.cases, calls: m.moved.calls, phones: [], emails: [], fiscalCode: null, name: null };
    await db
      .updateTable('citizen_merges')
      .set({ moved: json(moved) })
      .where('id', '=', m.id)
      .execute();
  }
}

/** Unlinks anonymised cases from the registry (retention: the person may have other, kept, cases). */
export async function unlinkCases(db: Executor, caseIds: string[]): Promise<void> {
  if (caseIds.length) await db.updateTable('cases').set({ citizen_id: null }).where('id', 'in', caseIds).execute();
}

/**
 * Closed cases whose service's retention (its latest published definition's `retentionMonths`)
 * ran out by `at`, counted from the case's closing event; none under a legal hold, of the case or
 * of its citizen. Oldest first.
 */
export async function casesPastRetention(db: Executor, at: Date, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with retention as (
      select distinct on (service_code) service_code, (document->>'retentionMonths')::int as months
      from service_definitions where status = 'published' order by service_code, version desc
    )
    select c.id from cases c
    join retention r on r.service_code = c.service_code and r.months is not null
    join case_events e on e.case_id = c.id and e.type = 'case.closed'
    where c.anonymised_at is null and c.status = 'resolved'
      and e.at < ${at}::timestamptz - make_interval(months => r.months)
      and not exists (select 1 from legal_holds h where h.released_at is null
        and ((h.target_type = 'case' and h.target_id = c.id) or (h.target_type = 'citizen' and h.target_id = c.citizen_id)))
    order by e.at, c.id
    limit ${limit}`.execute(db);
  return rows.map((r) => r.id);
}
