import type { Db } from '../db/connection.ts';
import type { Executor } from '../db/database.ts';
import { findCalendar } from '../db/calendars.repository.ts';
import { findOffice, insertOffice, listOffices as officesIn, updateOffice as updateOfficeRow } from '../db/offices.repository.ts';
import type { Principal } from '../domain/principal.ts';
import type { NewOffice, Office, OfficeFilter, OfficeUpdate } from '../contracts/administration.ts';
import { idMatches } from '../contracts/list-query.ts';
import { ApiError } from './errors.ts';
import { assertServes, type Change, changeRecord, createRecord, getRecord, type ReferenceKind } from './reference-data.ts';

const offices: ReferenceKind<Office> = {
  collection: 'offices',
  table: 'offices',
  noun: 'office',
  targetType: 'office',
  find: (db, id, p) => findOffice(db, id, p.municipalities),
  chainOf: (o) => o.municipalityId,
};

/** An office's service-level clock runs on a calendar of its own municipality. */
async function assertCalendarOf(db: Executor, calendarId: string | undefined, municipalityId: string): Promise<void> {
  if (calendarId && !(await findCalendar(db, calendarId, [municipalityId]))) {
    throw new ApiError('unprocessable', 'the calendar is not one of the municipality', [
      { path: 'body.calendarId', message: `no calendar "${calendarId}" in municipality "${municipalityId}"` },
    ]);
  }
}

export async function listOffices(db: Db, p: Principal, f: OfficeFilter): Promise<Office[]> {
  const q = f.q?.toLowerCase();
  return (await officesIn(db, p.municipalities)).filter(
    (o) =>
      idMatches(f.id, o.id) &&
      (!f.municipalityId || o.municipalityId === f.municipalityId) &&
      (!q || `${o.id} ${o.name}`.toLowerCase().includes(q)),
  );
}

export const getOffice = (db: Db, id: string, p: Principal): Promise<Office> => getRecord(db, offices, id, p);

export async function createOffice(db: Db, input: NewOffice, idempotencyKey: string | undefined, change: Change) {
  assertServes(change.principal, input.municipalityId, 'body.municipalityId');
  const { id, created } = await createRecord(db, offices, input, idempotencyKey, change, async (trx) => {
    await assertCalendarOf(trx, input.calendarId, input.municipalityId);
    return insertOffice(trx, input);
  });
  return { created, record: await getOffice(db, id, change.principal) };
}

export const updateOffice = (db: Db, id: string, input: OfficeUpdate, change: Change): Promise<Office> =>
  changeRecord(db, offices, id, change, 'updated', async (trx, before) => {
    await assertCalendarOf(trx, input.calendarId, before.municipalityId);
    return updateOfficeRow(trx, before.id, input);
  });
