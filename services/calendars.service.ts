import type { Db } from '../db/connection.ts';
import {
  findCalendar,
  insertCalendar,
  listCalendars as calendarsIn,
  updateCalendar as updateCalendarRow,
} from '../db/calendars.repository.ts';
import type { Principal } from '../domain/principal.ts';
import type { CalendarFilter, CalendarRecord, CalendarUpdate, NewCalendar } from '../contracts/administration.ts';
import { idMatches } from '../contracts/list-query.ts';
import { assertServes, type Change, changeRecord, createRecord, getRecord, type ReferenceKind } from './reference-data.ts';

// A calendar's spec was checked by the same CalendarSchema the SLA arithmetic reads it with.
const calendars: ReferenceKind<CalendarRecord> = {
  collection: 'calendars',
  table: 'calendars',
  noun: 'calendar',
  targetType: 'calendar',
  find: (db, id, p) => findCalendar(db, id, p.municipalities),
  chainOf: (c) => c.municipalityId,
};

export async function listCalendars(db: Db, p: Principal, f: CalendarFilter): Promise<CalendarRecord[]> {
  return (await calendarsIn(db, p.municipalities)).filter(
    (c) => idMatches(f.id, c.id) && (!f.municipalityId || c.municipalityId === f.municipalityId),
  );
}

export const getCalendar = (db: Db, id: string, p: Principal): Promise<CalendarRecord> => getRecord(db, calendars, id, p);

export async function createCalendar(db: Db, input: NewCalendar, idempotencyKey: string | undefined, change: Change) {
  assertServes(change.principal, input.municipalityId, 'body.municipalityId');
  const { id, created } = await createRecord(db, calendars, input, idempotencyKey, change, (trx) => insertCalendar(trx, input));
  return { created, record: await getCalendar(db, id, change.principal) };
}

/** Tasks already open keep the deadlines they were given. */
export const updateCalendar = (db: Db, id: string, input: CalendarUpdate, change: Change): Promise<CalendarRecord> =>
  changeRecord(db, calendars, id, change, 'updated', (trx, before) => updateCalendarRow(trx, before.id, input));
