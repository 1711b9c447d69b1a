import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDraft, latestPublished, publishDraft } from '../../db/definitions.repository.ts';
import { seedDemoReferenceData } from '../../scripts/seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { demoDefinition } from '../helpers/definitions.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoReferenceData(t.db);
});
afterAll(() => t.drop());

describe('definition versions', () => {
  it('are seeded as published version 1, and seeding again changes nothing', async () => {
    await seedDemoReferenceData(t.db);
    const rows = await t.db
      .selectFrom('service_definitions')
      .select(['service_code', 'version', 'status'])
      .orderBy('service_code')
      .execute();
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.version === 1 && r.status === 'published')).toBe(true);
    const office = await t.db.selectFrom('offices').select('calendar_id').where('id', '=', 'fi-istruzione').executeTakeFirstOrThrow();
    expect(office.calendar_id).toBe('fi-uffici');
  });

  it('go draft → published; new cases take the newest published one', async () => {
    const next = structuredClone(demoDefinition('pothole-report').document);
    next.sla.office.targetHours = 16;
    next.sla.office.warningHours = 8;
    const version = await insertDraft(t.db, next);
    expect(version).toBe(2);
    expect((await latestPublished(t.db, 'pothole-report'))!.version).toBe(1); // a draft is not used
    expect(await publishDraft(t.db, 'pothole-report', 2)).toBe(true);
    expect(await publishDraft(t.db, 'pothole-report', 2)).toBe(false); // already published
    const latest = await latestPublished(t.db, 'pothole-report');
    expect(latest).toMatchObject({ version: 2, document: { sla: { office: { targetHours: 16 } } } });
  });

  it('are immutable once published', async () => {
    await expect(
      sql`update service_definitions set document = '{}' where service_code = 'tari-refund' and version = 1`.execute(t.db),
    ).rejects.toThrow(/tari-refund version 1 is published and cannot change/);
    await expect(sql`delete from service_definitions where service_code = 'tari-refund'`.execute(t.db)).rejects.toThrow(
      /is published and cannot change/,
    );
    // A draft may still be edited.
    const draft = await insertDraft(t.db, demoDefinition('tari-refund').document);
    await sql`update service_definitions set document = document where service_code = 'tari-refund' and version = ${draft}`.execute(t.db);
  });
});
