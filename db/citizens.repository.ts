import { sql } from 'kysely';
import { inList } from './cases.repository.ts';
import type { Executor } from './database.ts';

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
