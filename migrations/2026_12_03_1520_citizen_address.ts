import { type Kysely, sql } from 'kysely';

/*
 * The registry keeps the citizen's postal address (for letters), as the newest case that gave one
 * wrote it. Existing records take it from their newest case with an address.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('citizens').addColumn('address', 'text').execute();
  await sql`
    update citizens set address = latest.address
    from (
      select distinct on (citizen_id) citizen_id, btrim(citizen->>'address') as address
      from cases
      where citizen_id is not null and coalesce(btrim(citizen->>'address'), '') <> ''
      order by citizen_id, created_at desc
    ) as latest
    where citizens.id = latest.citizen_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('citizens').dropColumn('address').execute();
}
