import { sql } from 'kysely';
import { inList } from './cases.repository.ts';
import type { Executor } from './database.ts';

/*
 * What the citizen's access export reads (services/citizen-export.service.ts): everything held
 * about one registry record, within its municipality. Unbounded lists on purpose — the export is
 * all of it — but each bounded by the record's cases or contacts, all indexed.
 */

const recordColumns = ['id', 'municipality_id', 'name', 'phones', 'emails', 'fiscal_code', 'address', 'created_at', 'updated_at'] as const;

/** The records merged into this one (kept for the undo): the same person. */
export const recordsMergedInto = (db: Executor, id: string) =>
  db.selectFrom('citizens').select(recordColumns).where('merged_into', '=', id).orderBy('created_at').orderBy('id').execute();

/** Every case of these records in the municipality, oldest first. */
export const exportCaseRows = (db: Executor, municipalityId: string, citizenIds: string[]) =>
  db
    .selectFrom('cases')
    .innerJoin('services as s', (j) =>
      j.onRef('s.municipality_id', '=', 'cases.municipality_id').onRef('s.code', '=', 'cases.service_code'),
    )
    .select([
      'cases.id',
      'cases.service_code',
      's.name as service_name',
      'cases.channel',
      'cases.status',
      'cases.stage',
      'cases.outcome',
      'cases.subject',
      'cases.description',
      'cases.citizen',
      'cases.details',
      'cases.location',
      'cases.created_at',
      'cases.updated_at',
      'cases.resolved_at',
    ])
    .where('cases.municipality_id', '=', municipalityId)
    .where('cases.citizen_id', 'in', inList(citizenIds))
    .orderBy('cases.created_at')
    .orderBy('cases.id')
    .execute();

export const exportEventRows = (db: Executor, caseIds: string[]) =>
  db
    .selectFrom('case_events')
    .select(['case_id', 'seq', 'type', 'at', 'stage', 'data'])
    .where('case_id', 'in', inList(caseIds))
    .orderBy('case_id')
    .orderBy('seq')
    .execute();

export const exportTaskRows = (db: Executor, caseIds: string[]) =>
  db
    .selectFrom('tasks')
    .innerJoin('offices', 'offices.id', 'tasks.office_id')
    .select([
      'tasks.id',
      'tasks.case_id',
      'offices.name as office_name',
      'tasks.status',
      'tasks.due_at',
      'tasks.sla_state',
      'tasks.waiting_since',
    ])
    .where('tasks.case_id', 'in', inList(caseIds))
    .orderBy('tasks.created_at')
    .orderBy('tasks.id')
    .execute();

/** The municipality's calls linked to these records, or from (inbound) or to (outbound) these numbers as stored. */
export const exportCallRows = (db: Executor, municipalityId: string, citizenIds: string[], numbers: string[]) =>
  db
    .selectFrom('calls')
    .select([
      'id',
      'direction',
      'caller',
      'called',
      'state',
      'queue',
      'ivr_choice',
      'end_cause',
      'wait_seconds',
      'started_at',
      'connected_at',
      'ended_at',
    ])
    .where('municipality_id', '=', municipalityId)
    .where((eb) =>
      eb.or([
        eb('citizen_id', 'in', inList(citizenIds)),
        eb.and([eb('direction', '=', 'inbound'), eb('caller', 'in', inList(numbers))]),
        eb.and([eb('direction', '=', 'outbound'), eb('called', 'in', inList(numbers))]),
      ]),
    )
    .orderBy('started_at')
    .orderBy('id')
    .execute();

/** The cases the calls were attached to (`call.attached` / `call.transferred` events name the call). */
export const caseOfCalls = (db: Executor, caseIds: string[]) =>
  db
    .selectFrom('case_events')
    .select(['case_id', 'data'])
    .where('case_id', 'in', inList(caseIds))
    .where('type', 'in', ['call.attached', 'call.transferred'])
    .execute();

/**
 * What was sent to these recipients (numbers, addresses, fiscal code, postal addresses) by the
 * municipality or on these cases (an office's reminder about a case is not sent to the citizen);
 * also the abandoned caller's text, of no case and no municipality, told by its line (its dedupe
 * key is the callback workflow's id, `callback-<line>-…`: services/callback-workflow-id.ts).
 */
export const exportMessageRows = (db: Executor, municipalityId: string, caseIds: string[], recipients: string[]) =>
  db
    .selectFrom('outbound_messages as m')
    .select(['id', 'case_id', 'channel', 'recipient', 'subject', 'body', 'status', 'created_at', 'sent_at', 'delivered_at', 'failed_at'])
    .where('recipient', 'in', inList(recipients))
    .where((eb) =>
      eb.or([
        eb('m.municipality_id', '=', municipalityId),
        eb('m.case_id', 'in', inList(caseIds)),
        eb.and([
          eb('m.case_id', 'is', null),
          eb('m.municipality_id', 'is', null),
          eb.exists(
            eb
              .selectFrom('lines')
              .select('lines.id')
              .where('lines.municipality_id', '=', municipalityId)
              .where(sql<boolean>`m.dedup_key like 'callback-' || lines.id || '-%'`),
          ),
        ]),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export const exportLetterRows = (db: Executor, messageIds: number[]) =>
  messageIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('letters')
        .select(['id', 'message_id', 'case_id', 'recipient_name', 'address', 'subject', 'status', 'created_at', 'posted_at'])
        .where('message_id', 'in', messageIds)
        .orderBy('created_at')
        .orderBy('id')
        .execute();

export const exportInboundMailRows = (db: Executor, caseIds: string[]) =>
  db
    .selectFrom('inbound_mails')
    .select(['case_id', 'outcome', 'received_at'])
    .where('case_id', 'in', inList(caseIds))
    .orderBy('received_at')
    .orderBy('id')
    .execute();

/** The files of these cases: what describes them, never their content. */
export const exportAttachmentRows = (db: Executor, caseIds: string[]) =>
  db
    .selectFrom('attachments')
    .select(['id', 'case_id', 'source', 'file_name', 'content_type', 'size', 'sha256', 'created_at'])
    .where('case_id', 'in', inList(caseIds))
    .orderBy('created_at')
    .orderBy('id')
    .execute();

/** The citizen's page links of these cases (their tokens are never stored). */
export const exportCitizenLinkRows = (db: Executor, caseIds: string[]) =>
  db
    .selectFrom('citizen_links')
    .select(['case_id', 'created_at', 'expires_at', 'revoked_at'])
    .where('case_id', 'in', inList(caseIds))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
