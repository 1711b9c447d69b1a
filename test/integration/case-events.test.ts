import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseActivities, type RecordCaseEvent } from '../../activities/case-activities.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
});
afterAll(() => t.drop());

const opened = (caseId: string): RecordCaseEvent => ({
  caseId,
  seq: 1,
  type: 'case.opened',
  at: '2026-11-24T08:00:00.000Z',
  actor: 'giulia.operatrice',
  data: { channel: 'phone' },
  status: 'open',
  stage: 'intake',
  outcome: null,
  definitionVersion: 1,
  intake: {
    municipalityId: 'milano',
    serviceCode: 'tari-refund',
    channel: 'phone',
    subject: 'Rimborso TARI',
    description: '',
    citizen: { phone: '+393331112222' },
    details: { taxYear: 2025, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
  },
});
const resolved = (caseId: string): RecordCaseEvent => ({
  caseId,
  seq: 2,
  type: 'case.resolved',
  at: '2026-11-24T09:00:00.000Z',
  actor: 'marco.tributi',
  data: { outcome: 'resolved' },
  status: 'resolved',
  stage: 'resolved',
  outcome: 'resolved',
  definitionVersion: 1,
});

describe('recordCaseEvent (the read model writer)', () => {
  it('creates the case with its first event and moves it forward with the next', async () => {
    const { recordCaseEvent } = createCaseActivities({ db: t.db });
    await recordCaseEvent(opened('C-2026-000001'));
    await recordCaseEvent(resolved('C-2026-000001'));
    const row = await t.db.selectFrom('cases').selectAll().where('id', '=', 'C-2026-000001').executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'resolved',
      stage: 'resolved',
      outcome: 'resolved',
      last_seq: 2,
      municipality_id: 'milano',
      definition_version: 1,
      details: { taxYear: 2025, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
    });
    expect(row.resolved_at?.toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(row.created_at.toISOString()).toBe('2026-11-24T08:00:00.000Z');
  });

  it('is idempotent: a retried call neither duplicates an event nor changes the case', async () => {
    const { recordCaseEvent } = createCaseActivities({ db: t.db });
    await recordCaseEvent(opened('C-2026-000002'));
    await recordCaseEvent(opened('C-2026-000002'));
    await recordCaseEvent(resolved('C-2026-000002'));
    await recordCaseEvent(resolved('C-2026-000002'));
    const events = await t.db
      .selectFrom('case_events')
      .select(['seq', 'type'])
      .where('case_id', '=', 'C-2026-000002')
      .orderBy('seq')
      .execute();
    expect(events).toEqual([
      { seq: 1, type: 'case.opened' },
      { seq: 2, type: 'case.resolved' },
    ]);
  });

  it('never lets a late, older write move the case back', async () => {
    const { recordCaseEvent } = createCaseActivities({ db: t.db });
    await recordCaseEvent(opened('C-2026-000003'));
    await recordCaseEvent(resolved('C-2026-000003'));
    // A retry of event 1 that arrives after event 2 (e.g. the first attempt timed out but committed).
    await recordCaseEvent(opened('C-2026-000003'));
    const row = await t.db.selectFrom('cases').select(['status', 'last_seq']).where('id', '=', 'C-2026-000003').executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'resolved', last_seq: 2 });
  });

  it('refuses to rewrite or delete history', async () => {
    const { recordCaseEvent } = createCaseActivities({ db: t.db });
    await recordCaseEvent(opened('C-2026-000004'));
    await expect(sql`update case_events set type = 'forged' where case_id = 'C-2026-000004'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from case_events where case_id = 'C-2026-000004'`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('a NUL PostgreSQL refuses is PoisonData naming the SQLSTATE only: non-retryable with failFast, retried without', async () => {
    const { recordCaseEvent } = createCaseActivities({ db: t.db });
    const poisoned = opened('C-2026-000077');
    poisoned.intake!.subject = 'Rimborso\u0000 Mario Rossi';
    const refused = { type: 'PoisonData', message: expect.stringContaining('SQLSTATE 22021') };
    await expect(recordCaseEvent({ ...poisoned, failFast: true })).rejects.toMatchObject({ ...refused, nonRetryable: true });
    // Workflows from before the stuck-cases patch retry it as they always did.
    const error = await recordCaseEvent(poisoned).catch((e: Error) => e);
    expect(error).toMatchObject({ ...refused, nonRetryable: false });
    expect((error as Error).message).not.toContain('Rossi');
    expect(await t.db.selectFrom('cases').select('id').where('id', '=', 'C-2026-000077').execute()).toEqual([]);
  });
});
