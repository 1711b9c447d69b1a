import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../../migrations/migrate.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
let db: Kysely<any>;

/** A case row as releases before the registry wrote it: the citizen only as JSON inside the case. */
async function oldCase(id: string, municipalityId: string, citizen: object, createdAt: string) {
  await sql`
    insert into cases (id, municipality_id, service_code, channel, subject, description, citizen, status, stage, created_at, updated_at, last_seq)
    values (${id}, ${municipalityId}, 'general-information', 'phone', 'Orari', '', ${JSON.stringify(citizen)}::jsonb, 'open', 'intake',
            ${createdAt}, ${createdAt}, 0)`.execute(db);
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db as unknown as Kysely<any>;
  await seedDemoReferenceData(t.db);
  await migrateTo(db, '2026_12_02_1300_case_number_counters');
  await oldCase('M-1', 'milano', { name: 'Maria Bianchi', phone: '+393331234567' }, '2026-01-10T09:00:00Z');
  await oldCase('M-2', 'milano', { phone: '3331234567' }, '2026-02-10T09:00:00Z');
  await oldCase('M-3', 'milano', { phone: '00393331234567', email: 'Maria.Bianchi@Example.org' }, '2026-03-10T09:00:00Z');
  await oldCase(
    'M-4',
    'milano',
    { name: 'Maria Bianchi Rossi', email: 'maria.bianchi@example.org', fiscalCode: 'bncmra80a41f205x' },
    '2026-04-10T09:00:00Z',
  );
  // A family's landline: two fiscal codes are two people.
  await oldCase('M-5', 'milano', { phone: '0212345678', fiscalCode: 'BNCLCU90A01F205T' }, '2026-05-10T09:00:00Z');
  await oldCase('M-6', 'milano', { phone: '+390212345678', fiscalCode: 'BNCMRA60A41F205K' }, '2026-05-11T09:00:00Z');
  await oldCase('M-7', 'milano', {}, '2026-06-10T09:00:00Z');
  await oldCase('F-1', 'firenze', { phone: '3331234567' }, '2026-03-01T09:00:00Z');
  await sql`
    insert into calls (id, direction, caller, called, municipality_id, state, started_at, last_seq)
    values ('mig-call-1', 'inbound', '3331234567', '020202', 'milano', 'ended', '2026-02-10T08:55:00Z', 1),
           ('mig-call-2', 'outbound', '020202', '+39 02 1234 5678', 'milano', 'ended', '2026-05-12T08:55:00Z', 1),
           ('mig-call-3', 'inbound', '3331234567', '055055', 'firenze', 'ended', '2026-03-01T08:55:00Z', 1)`.execute(db);
  await migrateToLatest(db);
}, 60_000);
afterAll(() => t?.drop());

const citizenOf = async (caseId: string) =>
  (await db.selectFrom('cases').select('citizen_id').where('id', '=', caseId).executeTakeFirstOrThrow()).citizen_id as string | null;

describe('migration 2026_12_02_1410_citizens', () => {
  it('makes one record of the cases sharing a normalised phone, e-mail or fiscal code, per municipality', async () => {
    const maria = await citizenOf('M-1');
    expect(maria).toEqual(expect.any(String));
    expect(await Promise.all(['M-2', 'M-3', 'M-4'].map(citizenOf))).toEqual([maria, maria, maria]);
    const record = await db.selectFrom('citizens').selectAll().where('id', '=', maria).executeTakeFirstOrThrow();
    expect(record).toMatchObject({
      municipality_id: 'milano',
      // The newest case's name.
      name: 'Maria Bianchi Rossi',
      phones: ['+393331234567'],
      emails: ['maria.bianchi@example.org'],
      fiscal_code: 'BNCMRA80A41F205X',
      merged_into: null,
    });
    expect(record.created_at.toISOString()).toBe('2026-01-10T09:00:00.000Z');
  });

  it('keeps two fiscal codes sharing a phone apart, leaves cases without identifiers alone, and another city its own', async () => {
    const [son, mother] = [await citizenOf('M-5'), await citizenOf('M-6')];
    expect(son).not.toBe(mother);
    expect(await citizenOf('M-7')).toBeNull();
    const florence = await citizenOf('F-1');
    expect(florence).not.toBe(await citizenOf('M-1'));
    const counts = await db
      .selectFrom('citizens')
      .select(['municipality_id', sql<number>`count(*)::int`.as('n')])
      .groupBy('municipality_id')
      .orderBy('municipality_id')
      .execute();
    expect(counts).toEqual([
      { municipality_id: 'firenze', n: 1 },
      { municipality_id: 'milano', n: 3 },
    ]);
  });

  it("links the calls to the citizen of their number in the call's municipality", async () => {
    const calls = await db.selectFrom('calls').select(['id', 'citizen_id']).where('id', 'like', 'mig-call-%').orderBy('id').execute();
    // The outbound call to the family's landline: the first record holding the number.
    expect(calls.map((c) => c.citizen_id)).toEqual([await citizenOf('M-1'), expect.any(String), await citizenOf('F-1')]);
    expect([await citizenOf('M-5'), await citizenOf('M-6')]).toContain(calls[1]!.citizen_id);
  });

  it('is reversible', async () => {
    await migrateTo(db, '2026_12_02_1300_case_number_counters');
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.tables where table_name in ('citizens', 'citizen_merges')`.execute(db);
    expect(rows[0]!.n).toBe(0);
    await migrateToLatest(db);
  });
});
