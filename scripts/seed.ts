import { demoMunicipalities, demoOffices, demoServices, demoStaff } from '../catalog/demo.ts';
import type { Db } from '../platform/db.ts';

/** Inserts the demo reference data; rows that already exist are left as they are. */
export async function seedDemoReferenceData(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('municipalities').values(demoMunicipalities).onConflict((oc) => oc.doNothing()).execute();
    await trx.insertInto('offices').values(demoOffices).onConflict((oc) => oc.doNothing()).execute();
    await trx.insertInto('services').values(demoServices).onConflict((oc) => oc.doNothing()).execute();
    await trx.insertInto('staff_users')
      .values(demoStaff.map(({ municipalities: _, ...u }) => u)).onConflict((oc) => oc.doNothing()).execute();
    await trx.insertInto('staff_user_municipalities')
      .values(demoStaff.flatMap((u) => u.municipalities.map((m) => ({ user_id: u.id, municipality_id: m }))))
      .onConflict((oc) => oc.doNothing()).execute();
  });
}
