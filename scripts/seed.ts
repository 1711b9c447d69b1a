import { demoCalendars } from '../catalog/calendars.ts';
import { demoDefinitions } from '../catalog/definitions.ts';
import { demoMunicipalities, demoOffices, demoPassword, demoServices, demoStaff } from '../catalog/demo.ts';
import { demoArticleAuthor, demoArticles } from '../catalog/knowledge.ts';
import { demoLines } from '../catalog/lines.ts';
import { insertLineOnce } from '../db/lines.repository.ts';
import { LineSchema } from '../domain/line.ts';
import { NewArticleSchema } from '../contracts/knowledge.ts';
import { insertVersion } from '../db/knowledge.repository.ts';
import { versionContent } from '../services/knowledge.service.ts';
import { hashPassword } from '../services/passwords.ts';
import { CalendarSchema } from '../domain/calendar.ts';
import { ServiceDefinitionSchema } from '../domain/service-definition.ts';
import type { Db } from '../db/connection.ts';

/**
 * Inserts the demo reference data and publishes version 1 of each demo definition. Rows that
 * already exist are left as they are, so this runs on every start.
 */
export async function seedDemoReferenceData(db: Db): Promise<void> {
  // Hashed outside the transaction (scrypt takes a while), and only for demo users still without one.
  const needPassword = await db
    .selectFrom('staff_users')
    .select('id')
    .where('password_hash', 'is not', null)
    .execute()
    .then((rows) => demoStaff.filter((u) => !rows.some((r) => r.id === u.id)));
  const hashes = new Map(await Promise.all(needPassword.map(async (u) => [u.id, await hashPassword(demoPassword)] as const)));
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('municipalities')
      .values(demoMunicipalities)
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto('calendars')
      .values(demoCalendars.map((c) => ({ ...c, spec: JSON.stringify(CalendarSchema.parse(c.spec)) })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    // Offices seeded before calendars existed get theirs; a calendar chosen since is kept.
    await trx
      .insertInto('offices')
      .values(demoOffices)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({ calendar_id: eb.ref('excluded.calendar_id') }))
          .where('offices.calendar_id', 'is', null),
      )
      .execute();
    await trx
      .insertInto('services')
      .values(demoServices)
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto('staff_users')
      .values(demoStaff.map(({ municipalities: _, ...u }) => ({ ...u, password_hash: hashes.get(u.id) ?? null })))
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({ password_hash: eb.ref('excluded.password_hash') }))
          .where('staff_users.password_hash', 'is', null),
      )
      .execute();
    await trx
      .insertInto('staff_user_municipalities')
      .values(demoStaff.flatMap((u) => u.municipalities.map((m) => ({ user_id: u.id, municipality_id: m }))))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto('service_definitions')
      .values(
        demoDefinitions.map((d) => ({
          service_code: d.service.code,
          version: 1,
          status: 'published' as const,
          document: JSON.stringify(ServiceDefinitionSchema.parse(d)),
          published_at: new Date(),
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
    for (const { ctiToken, ...line } of demoLines) await insertLineOnce(trx, LineSchema.parse(line), ctiToken);
    // Version 1 of each demo article, unless the article exists (it may have been revised since).
    for (const { id, ...article } of demoArticles) {
      const a = NewArticleSchema.parse(article);
      const inserted = await trx
        .insertInto('articles')
        .values({ id, municipality_id: a.municipalityId, service_code: a.serviceCode ?? null, current_version: 1 })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) {
        await insertVersion(trx, id, 1, versionContent(a, demoArticleAuthor));
      }
    }
  });
}
