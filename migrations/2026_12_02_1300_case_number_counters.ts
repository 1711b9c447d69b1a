import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Case numbers from a counter per year, taken in the transaction that claims the request's
  // idempotency key: a repeated request, a refused one or a server crash burns no number (a
  // sequence loses its cached values on a crash and is not rolled back), and like a protocol
  // register each year starts again at 1. The years already numbered go on after the numbers
  // the global sequence gave, so no id is ever given twice.
  await db.schema
    .createTable('case_number_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last', 'integer', (c) => c.notNull())
    .execute();
  await sql`
    insert into case_number_counters (year, last)
    select y, (select case when is_called then last_value else 0 end from case_number_seq)
    from (select distinct substring(id from 3 for 4)::int as y from cases where id ~ '^C-[0-9]{4}-'
          union select extract(year from now())::int) years`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_number_counters').execute();
}
