import type { CallEvent, EndCause } from '../domain/call-events.ts';
import { sql, type Updateable } from 'kysely';
import { normalisePhone } from '../domain/citizen-identity.ts';
import type { CountedCallKpi } from '../domain/kpi/definitions.ts';
import type { Page } from '../domain/page.ts';
import { cappedCount } from './capped-count.ts';
import { type CallThresholds, countedBy, countedCalls, localPart } from './call-kpi.repository.ts';
import { inList, type Scope } from './cases.repository.ts';
import type { CallsTable, Executor } from './database.ts';

type CallChange = Pick<
  Updateable<CallsTable>,
  'queue' | 'agent' | 'ivr_choice' | 'end_cause' | 'wait_seconds' | 'connected_at' | 'ended_at'
>;

/** What each event changes on the contact's row, besides its state. */
function changeOf(e: CallEvent): CallChange {
  switch (e.type) {
    case 'initiated':
    case 'transferred':
    case 'transfer-failed':
      return {};
    case 'ivr-choice':
      return { ivr_choice: e.digits };
    case 'queued':
      return { queue: e.queue };
    case 'connected':
      return { agent: e.agent, connected_at: e.at };
    case 'abandoned':
      return { wait_seconds: e.waitSeconds };
    case 'ended':
      return { end_cause: e.cause, ended_at: e.at };
  }
}

/** The registry's record with this number in the municipality (the newest, should two share it), as a subquery. */
function citizenOfNumber(db: Executor, municipalityId: string, number: string) {
  const e164 = normalisePhone(number);
  return db
    .selectFrom('citizens')
    .select('id')
    .where('municipality_id', '=', municipalityId)
    .where('merged_into', 'is', null)
    .where('phones', '@>', sql<string[]>`array[${e164 ?? ''}]::text[]`)
    .orderBy('updated_at', 'desc')
    .limit(1);
}

/**
 * Records one call event and moves the contact's row to it; run it in a transaction. An event
 * already recorded (same call and seq: a retransmission, a replay after a restart) changes
 * nothing and answers false. The contact's row is created by its `initiated` event.
 */
export async function recordCallEvent(trx: Executor, e: CallEvent): Promise<boolean> {
  if (e.type === 'initiated') {
    await trx
      .insertInto('calls')
      .values({
        id: e.callId,
        linked_call_id: e.linkedCallId,
        direction: e.direction,
        caller: e.caller,
        called: e.called,
        municipality_id: e.line,
        citizen_id: e.line ? citizenOfNumber(trx, e.line, e.direction === 'inbound' ? e.caller : e.called) : null,
        state: e.type,
        started_at: e.at,
        last_seq: e.seq,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  const inserted = await trx
    .insertInto('call_events')
    .values({ call_id: e.callId, seq: e.seq, type: e.type, at: e.at, data: JSON.stringify(e) })
    .onConflict((oc) => oc.columns(['call_id', 'seq']).doNothing())
    .returning('seq')
    .executeTakeFirst();
  if (!inserted) return false;
  if (e.type !== 'initiated') {
    // Events may be stored out of order (one adapter's retries); the row follows the latest.
    await trx
      .updateTable('calls')
      .set({ ...changeOf(e), state: e.type, last_seq: e.seq })
      .where('id', '=', e.callId)
      .where('last_seq', '<', e.seq)
      .execute();
  }
  return true;
}

const callColumns = [
  'id',
  'linked_call_id as linkedCallId',
  'direction',
  'caller',
  'called',
  'municipality_id as municipalityId',
  'state',
  'queue',
  'agent',
  'ivr_choice as ivrChoice',
  'end_cause as endCause',
  'wait_seconds as waitSeconds',
  'started_at as startedAt',
  'connected_at as connectedAt',
  'ended_at as endedAt',
] as const;

/** Calls of the caller's municipalities (calls on no known line: administrators only), as `c` for the KPIs' predicates. */
function scopedCalls(db: Executor, scope: Scope, withUnknownLines: boolean) {
  return db
    .selectFrom('calls as c')
    .where((eb) => eb.or([eb('municipality_id', 'in', inList(scope)), ...(withUnknownLines ? [eb('municipality_id', 'is', null)] : [])]));
}

/** What a list of calls can be narrowed by (the API's list filter is one); the thresholds are those of `kpi`. */
export interface CallListFilter extends CallThresholds {
  direction?: 'inbound' | 'outbound';
  state?: string;
  endCause?: EndCause;
  /** The citizen's number, as caller (inbound) or called (outbound). */
  number?: string;
  municipalityId?: string;
  queue?: string;
  from?: string;
  to?: string;
  kpi?: CountedCallKpi;
  weekday?: number;
  hour?: number;
}

export async function listCallRows(
  db: Executor,
  scope: Scope,
  withUnknownLines: boolean,
  f: CallListFilter,
  sort: 'ASC' | 'DESC',
  page: Page,
) {
  let q = scopedCalls(db, scope, withUnknownLines);
  if (f.direction) q = q.where('direction', '=', f.direction);
  if (f.state) q = q.where('state', '=', f.state as CallsTable['state']);
  if (f.endCause) q = q.where('end_cause', '=', f.endCause);
  if (f.municipalityId) q = q.where('municipality_id', '=', f.municipalityId);
  if (f.queue) q = q.where('queue', '=', f.queue);
  if (f.number) {
    const n = f.number;
    q = q.where((eb) => eb.or([eb('caller', '=', n), eb('called', '=', n)]));
  }
  if (f.from) q = q.where('started_at', '>=', new Date(f.from));
  if (f.to) q = q.where('started_at', '<', new Date(f.to));
  // The calls behind a call KPI's figure: the KPIs' own predicates, so the list's total is the figure.
  if (f.kpi) q = q.where(countedCalls(scope, {})).where(countedBy(f.kpi, f));
  if (f.weekday !== undefined) q = q.where(localPart('isodow', 'c.started_at'), '=', f.weekday);
  if (f.hour !== undefined) q = q.where(localPart('hour', 'c.started_at'), '=', f.hour);
  const [rows, total] = await Promise.all([
    q
      .select(callColumns)
      .orderBy('started_at', sort === 'ASC' ? 'asc' : 'desc')
      .orderBy('id')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    // A KPI's calls are counted exactly: their total is the figure the report shows.
    f.kpi
      ? q
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
          .then(({ n }) => Number(n))
      : cappedCount(db, q),
  ]);
  return { rows, total };
}

export async function findCallRow(db: Executor, id: string, scope: Scope, withUnknownLines: boolean) {
  const call = await scopedCalls(db, scope, withUnknownLines).select(callColumns).where('id', '=', id).executeTakeFirst();
  if (!call) return undefined;
  const events = await db
    .selectFrom('call_events')
    .select(['seq', 'type', 'at', 'data'])
    .where('call_id', '=', id)
    .orderBy('seq')
    .execute();
  return { ...call, events: events.map((e) => ({ ...e, data: e.data as unknown as Record<string, unknown> })) };
}

/** The calls from or to these numbers in the caller's municipalities, for a citizen's contact history. */
export function callsOfNumbers(db: Executor, scope: Scope, numbers: string[]) {
  return scopedCalls(db, scope, false)
    .select(callColumns)
    .where((eb) => eb.or([eb('caller', 'in', inList(numbers)), eb('called', 'in', inList(numbers))]))
    .orderBy('started_at', 'desc')
    .limit(500)
    .execute();
}
export type CallRow = Awaited<ReturnType<typeof callsOfNumbers>>[number];

/** The calls of these citizens' records in the caller's municipalities, and those from or to their numbers as stored. */
export function callsOfCitizens(db: Executor, scope: Scope, citizenIds: string[], numbers: string[]) {
  return scopedCalls(db, scope, false)
    .select(callColumns)
    .where((eb) =>
      eb.or([eb('citizen_id', 'in', inList(citizenIds)), eb('caller', 'in', inList(numbers)), eb('called', 'in', inList(numbers))]),
    )
    .orderBy('started_at', 'desc')
    .limit(500)
    .execute();
}

/** A contact as stored, for a guard deciding whether an event still applies (undefined: no such contact yet). */
export async function storedCall(db: Executor, callId: string) {
  const row = await db
    .selectFrom('calls')
    .select(['state', 'direction', 'caller', 'called', 'municipality_id', 'last_seq', 'started_at'])
    .where('id', '=', callId)
    .executeTakeFirst();
  return row && { ...row, lastSeq: row.last_seq, startedAt: row.started_at };
}
export type StoredCall = NonNullable<Awaited<ReturnType<typeof storedCall>>>;

/** A call as the ingestion reads it: its parties, the IVR choice and the operator who answered. */
export function callToIngest(db: Executor, callId: string) {
  return db
    .selectFrom('calls')
    .select(['id', 'direction', 'caller', 'called', 'ivr_choice', 'agent'])
    .where('id', '=', callId)
    .executeTakeFirst();
}
export type CallToIngest = NonNullable<Awaited<ReturnType<typeof callToIngest>>>;

/**
 * Notes that the ingestion acted on the call's events up to this one — only right after the
 * previous one, so an event it failed on is never skipped over by a later success.
 */
export async function markIngested(db: Executor, callId: string, seq: number): Promise<void> {
  await db
    .updateTable('calls')
    .set({ ingested_seq: seq })
    .where('id', '=', callId)
    .where('ingested_seq', '=', seq - 1)
    .execute();
}

/** Recorded events the ingestion has not acted on yet, oldest first. */
export async function eventsNotIngested(db: Executor, limit: number): Promise<CallEvent[]> {
  const rows = await db
    .selectFrom('call_events')
    .innerJoin('calls', 'calls.id', 'call_events.call_id')
    .select('call_events.data')
    .whereRef('call_events.seq', '>', 'calls.ingested_seq')
    .orderBy('call_events.at')
    .orderBy('call_events.call_id')
    .orderBy('call_events.seq')
    .limit(limit)
    .execute();
  return rows.map((r) => r.data as unknown as CallEvent);
}

/** A call on one municipality's line, as a webhook's later event finds it. */
export function findLineCall(db: Executor, callId: string, municipalityId: string) {
  return db
    .selectFrom('calls')
    .select(['state', 'started_at'])
    .where('id', '=', callId)
    .where('municipality_id', '=', municipalityId)
    .executeTakeFirst();
}
