import { sql } from 'kysely';
import { CalendarSchema } from '../domain/calendar.ts';
import { type Line, type LineRecord, phoneVariants } from '../domain/line.ts';
import { tokenHash } from './credentials.repository.ts';
import type { Executor } from './database.ts';

const lineQuery = (db: Executor) =>
  db
    .selectFrom('lines')
    .innerJoin('calendars', 'calendars.id', 'lines.calendar_id')
    .select(['lines.id', 'lines.municipality_id', 'lines.calendar_id', 'lines.numbers', 'lines.config', 'calendars.spec']);
type Row = Awaited<ReturnType<ReturnType<typeof lineQuery>['executeTakeFirstOrThrow']>>;

// Stored configs were parsed by LineSchema when written; specs by CalendarSchema.
const toLine = (r: Row): LineRecord => ({
  id: r.id,
  municipalityId: r.municipality_id,
  calendarId: r.calendar_id,
  numbers: r.numbers,
  config: r.config,
  calendar: CalendarSchema.parse(r.spec),
});

export async function allLines(db: Executor): Promise<LineRecord[]> {
  return (await lineQuery(db).orderBy('lines.id').execute()).map(toLine);
}

/** The line a number of ours belongs to, in whatever form the PBX presents it. */
export async function lineByNumber(db: Executor, number: string): Promise<LineRecord | undefined> {
  const row = await lineQuery(db)
    .where(sql<boolean>`lines.numbers && ${phoneVariants(number)}::text[]`)
    .executeTakeFirst();
  return row && toLine(row);
}

/** The line whose CTI webhook token this is; undefined for an unknown line or a wrong token alike. */
export async function lineByCtiToken(db: Executor, id: string, token: string): Promise<LineRecord | undefined> {
  const row = await lineQuery(db).where('lines.id', '=', id).where('lines.cti_token_hash', '=', tokenHash(token)).executeTakeFirst();
  return row && toLine(row);
}

/** Inserts a line unless it exists (demo seeding): the stored one is kept as an administrator left it. */
export async function insertLineOnce(db: Executor, line: Line, ctiToken: string | null): Promise<void> {
  await db
    .insertInto('lines')
    .values({
      id: line.id,
      municipality_id: line.municipalityId,
      calendar_id: line.calendarId,
      numbers: line.numbers,
      config: JSON.stringify(line.config),
      cti_token_hash: ctiToken ? tokenHash(ctiToken) : null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
