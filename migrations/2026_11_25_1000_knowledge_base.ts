import { type Kysely, sql } from 'kysely';

// The typographic apostrophe of "d’identità" would glue the article to its word: it is read as a plain one.
const italian = (text: string) => `to_tsvector('italian', translate(${text}, '’', ''''))`;

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The articles first-level operators answer from; their content lives in immutable versions.
  await db.schema
    .createTable('articles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
    // Null for an article about no single service (opening hours, general information).
    .addColumn('service_code', 'text')
    .addColumn('current_version', 'integer', (c) => c.notNull().check(sql`current_version > 0`))
    .addColumn('archived_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint('articles_service_fk', ['municipality_id', 'service_code'], 'services', ['municipality_id', 'code'])
    .execute();
  await db.schema.createIndex('articles_municipality_idx').on('articles').columns(['municipality_id', 'service_code']).execute();

  await db.schema
    .createTable('article_versions')
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
    .addColumn('title', 'text', (c) => c.notNull())
    // Who it concerns, where to go, when (opening hours, deadlines), how to proceed.
    .addColumn('audience', 'text')
    .addColumn('place', 'text')
    .addColumn('hours', 'text')
    .addColumn('procedure', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('links', 'jsonb', (c) =>
      c
        .notNull()
        .defaultTo(sql`'[]'::jsonb`)
        .check(sql`jsonb_typeof(links) = 'array'`),
    )
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_to', 'date')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Italian stemming ("rimborsi" finds "rimborso"); the title weighs most, then how to proceed.
    .addColumn('search', sql`tsvector`, (c) =>
      c
        .generatedAlwaysAs(
          sql.raw(`
      setweight(${italian('title')}, 'A')
      || setweight(${italian("coalesce(procedure, '') || ' ' || body")}, 'B')
      || setweight(${italian("coalesce(audience, '') || ' ' || coalesce(place, '') || ' ' || coalesce(hours, '')")}, 'C')`),
        )
        .stored(),
    )
    .addPrimaryKeyConstraint('article_versions_pk', ['article_id', 'version'])
    .addCheckConstraint('article_versions_validity', sql`valid_to is null or valid_to >= valid_from`)
    .execute();
  await sql`create index article_versions_search_idx on article_versions using gin (search)`.execute(db);
  // A version once written is what operators answered from: a change is a new version.
  await sql`
    create trigger article_versions_append_only before update or delete on article_versions
    for each row execute function append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('article_versions').execute();
  await db.schema.dropTable('articles').execute();
}
