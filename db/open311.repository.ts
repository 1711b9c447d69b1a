import type { CaseStatus } from '../domain/case.ts';
import type { Db } from './connection.ts';

/** The reads Open311 needs: services with their office, and cases with their office and due instant. */

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
    ])
    .where('cases.municipality_id', '=', f.municipalityId);
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
