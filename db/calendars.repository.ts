import type { Transaction } from 'kysely';
import type { Calendar } from '../domain/calendar.ts';
import { inList, type Scope } from './cases.repository.ts';
import type { Database, Executor } from './database.ts';
export interface CalendarRecord {
  id: string;
  municipalityId: string;
  name: string;
  spec: Calendar;
}

const columns = ['id', 'municipality_id as municipalityId', 'name', 'spec'] as const;
// Stored specs were parsed by CalendarSchema when written, so they carry its defaults.
const asRecord = (r: { id: string; municipalityId: string; name: string; spec: unknown }) => r as CalendarRecord;

export async function listCalendars(db: Executor, scope: Scope): Promise<CalendarRecord[]> {
  return (await db.selectFrom('calendars').select(columns).where('municipality_id', 'in', inList(scope)).orderBy('name').execute()).map(
    asRecord,
  );
}

export async function findCalendar(db: Executor, id: string, scope: Scope): Promise<CalendarRecord | undefined> {
  const row = await db
    .selectFrom('calendars')
    .select(columns)
    .where('id', '=', id)
    .where('municipality_id', 'in', inList(scope))
    .executeTakeFirst();
  return row && asRecord(row);
}

export async function insertCalendar(trx: Transaction<Database>, c: CalendarRecord): Promise<CalendarRecord> {
  return asRecord(
    await trx
      .insertInto('calendars')
      .values({ id: c.id, municipality_id: c.municipalityId, name: c.name, spec: JSON.stringify(c.spec) })
      .returning(columns)
      .executeTakeFirstOrThrow(),
  );
}

export async function updateCalendar(
  trx: Transaction<Database>,
  id: string,
  c: { name?: string; spec?: Calendar },
): Promise<CalendarRecord> {
  return asRecord(
    await trx
      .updateTable('calendars')
      .set({ name: c.name, spec: c.spec && JSON.stringify(c.spec) })
      .where('id', '=', id)
      .returning(columns)
      .executeTakeFirstOrThrow(),
  );
}
