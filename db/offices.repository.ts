import type { Transaction } from 'kysely';
import { inList, type Scope } from './cases.repository.ts';
import type { Database, Executor } from './database.ts';

export interface OfficeRow {
  id: string;
  municipalityId: string;
  name: string;
  email: string | null;
  phone: string | null;
  calendarId: string | null;
}
export interface NewOfficeRow {
  id: string;
  municipalityId: string;
  name: string;
  email?: string | null;
  phone?: string | null;
  calendarId: string;
}
/** The fields to change; those left undefined are kept. */
export type OfficeChanges = Partial<Omit<NewOfficeRow, 'id' | 'municipalityId'>>;

const columns = ['id', 'municipality_id as municipalityId', 'name', 'email', 'phone', 'calendar_id as calendarId'] as const;

export function listOffices(db: Executor, scope: Scope): Promise<OfficeRow[]> {
  return db.selectFrom('offices').select(columns).where('municipality_id', 'in', inList(scope)).orderBy('name').execute();
}

export function findOffice(db: Executor, id: string, scope: Scope): Promise<OfficeRow | undefined> {
  return db.selectFrom('offices').select(columns).where('id', '=', id).where('municipality_id', 'in', inList(scope)).executeTakeFirst();
}

export function insertOffice(trx: Transaction<Database>, o: NewOfficeRow): Promise<OfficeRow> {
  return trx
    .insertInto('offices')
    .values({
      id: o.id,
      municipality_id: o.municipalityId,
      name: o.name,
      email: o.email ?? null,
      phone: o.phone ?? null,
      calendar_id: o.calendarId,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export function updateOffice(trx: Transaction<Database>, id: string, o: OfficeChanges): Promise<OfficeRow> {
  return trx
    .updateTable('offices')
    .set({ name: o.name, email: o.email, phone: o.phone, calendar_id: o.calendarId })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** An office with its calendar's spec (null when it has none), in any municipality: for the workflows' service levels. */
export function findOfficeWithCalendar(db: Executor, id: string) {
  return db
    .selectFrom('offices')
    .leftJoin('calendars', 'calendars.id', 'offices.calendar_id')
    .select(['offices.id', 'offices.name', 'offices.email', 'calendars.spec'])
    .where('offices.id', '=', id)
    .executeTakeFirst();
}

/** The office one of these numbers (a number in its forms) belongs to, in any municipality: the target of a call's transfer. */
export async function officeIdByPhone(db: Executor, phones: string[]): Promise<string | undefined> {
  return (await db.selectFrom('offices').select('id').where('phone', 'in', phones).executeTakeFirst())?.id;
}
