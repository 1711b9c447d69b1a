import { sql } from 'kysely';
import type { CaseStatus } from '../domain/case.ts';
import type { Db } from './connection.ts';
import type { Executor } from './database.ts';

/**
 * What Open311 needs: services with their office, cases with their office, due instant and photo,
 * the public steps of cases (updates), and the photo links apps send.
 */

export function servicesOf(db: Db, municipalityId: string) {
  return db
    .selectFrom('services')
    .innerJoin('offices', 'offices.id', 'services.office_id')
    .select(['services.code', 'services.name', 'offices.name as office_name'])
    .where('services.municipality_id', '=', municipalityId)
    .orderBy('services.name')
    .execute();
}
export type ServiceRow = Awaited<ReturnType<typeof servicesOf>>[number];

export interface RequestFilter {
  municipalityId: string;
  /** When given, the other filters are ignored (as the spec says). */
  ids?: string[];
  /** The services whose cases the reader may see at all (all when absent), whatever else is asked. */
  visibleServices?: string[];
  serviceCodes?: string[];
  statuses?: CaseStatus[];
  from?: Date;
  to?: Date;
  limit: number;
}

export function findRequests(db: Db, f: RequestFilter) {
  let q = db
    .selectFrom('cases')
    .innerJoin('services as s', (j) =>
      j.onRef('s.municipality_id', '=', 'cases.municipality_id').onRef('s.code', '=', 'cases.service_code'),
    )
    // The office holding the case once transferred, else the service's own office.
    .leftJoin('offices as held', 'held.id', 'cases.office_id')
    .innerJoin('offices as own', 'own.id', 's.office_id')
    .select((eb) => [
      'cases.id',
      'cases.status',
      'cases.stage',
      'cases.outcome',
      'cases.service_code',
      's.name as service_name',
      'cases.description',
      'cases.location',
      'cases.created_at',
      'cases.updated_at',
      eb.fn.coalesce('held.name', 'own.name').as('agency_responsible'),
      eb
        .selectFrom('tasks')
        .select((t) => t.fn.min('tasks.due_at').as('due'))
        .whereRef('tasks.case_id', '=', 'cases.id')
        .where('tasks.status', '!=', 'done')
        .as('expected_at'),
      // The request's photo: the first one the app uploaded, else the link it sent.
      eb
        .selectFrom('attachments')
        .select('attachments.id')
        .whereRef('attachments.case_id', '=', 'cases.id')
        .where('attachments.source', '=', 'open311')
        .orderBy('attachments.created_at')
        .limit(1)
        .as('media_attachment_id'),
      eb.selectFrom('open311_media').select('open311_media.media_url').whereRef('open311_media.case_id', '=', 'cases.id').as('media_url'),
    ])
    .where('cases.municipality_id', '=', f.municipalityId);
  if (f.visibleServices) q = q.where('cases.service_code', 'in', f.visibleServices.length ? f.visibleServices : ['']);
  if (f.ids) {
    q = q.where('cases.id', 'in', f.ids.length ? f.ids : ['']);
  } else {
    if (f.serviceCodes?.length) q = q.where('cases.service_code', 'in', f.serviceCodes);
    if (f.statuses?.length) q = q.where('cases.status', 'in', f.statuses);
    if (f.from) q = q.where('cases.created_at', '>=', f.from);
    if (f.to) q = q.where('cases.created_at', '<=', f.to);
  }
  return q.orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(f.limit).execute();
}
export type RequestRow = Awaited<ReturnType<typeof findRequests>>[number];

/** Keeps the photo link an app sent with a request; a repeated request keeps the first. */
export async function saveMediaUrl(db: Executor, caseId: string, mediaUrl: string): Promise<void> {
  await db
    .insertInto('open311_media')
    .values({ case_id: caseId, media_url: mediaUrl })
    .onConflict((c) => c.column('case_id').doNothing())
    .execute();
}

/** The steps of a case an app may show its user; everything else on the timeline is the office's own. */
export const publicEventTypes = [
  'case.transferred',
  'task.reassigned',
  'information.requested',
  'information.received',
  'citizen.solicited',
  'case.resolved',
  'case.closed',
] as const;
export type PublicEventType = (typeof publicEventTypes)[number];

/**
 * The public steps of a jurisdiction's cases in a window. Only the fields an update shows are read
 * out of the event data: never the free text (questions, the citizen's words, notes).
 */
export function findUpdates(db: Db, f: { municipalityId: string; visibleServices?: string[]; from: Date; to?: Date; limit: number }) {
  let q = db
    .selectFrom('case_events as e')
    .innerJoin('cases', 'cases.id', 'e.case_id')
    .select([
      'e.case_id',
      'e.seq',
      'e.at',
      'cases.service_code',
      sql<PublicEventType>`e.type`.as('type'),
      sql<string | null>`e.data->>'outcome'`.as('outcome'),
      sql<string | null>`e.data->>'updateId'`.as('update_ref'),
      sql<string | null>`e.data->'attachmentIds'->>0`.as('attachment_id'),
      sql<string | null>`e.data->>'mediaUrl'`.as('media_url'),
    ])
    .where('cases.municipality_id', '=', f.municipalityId)
    .where('e.type', 'in', publicEventTypes)
    .where('e.at', '>=', f.from);
  if (f.visibleServices) q = q.where('cases.service_code', 'in', f.visibleServices.length ? f.visibleServices : ['']);
  if (f.to) q = q.where('e.at', '<=', f.to);
  return q.orderBy('e.at').orderBy('e.case_id').orderBy('e.seq').limit(f.limit).execute();
}
export type UpdateRow = Awaited<ReturnType<typeof findUpdates>>[number];

/** A photo an app sent, with the service of its case (it is shown only for public services). */
export const findOpen311Media = (db: Db, id: string) =>
  db
    .selectFrom('attachments')
    .innerJoin('cases', 'cases.id', 'attachments.case_id')
    .select(['attachments.content', 'attachments.content_type', 'attachments.size', 'cases.service_code', 'cases.municipality_id'])
    .where('attachments.id', '=', id)
    .where('attachments.source', '=', 'open311')
    .executeTakeFirst();
