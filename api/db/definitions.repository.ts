import { type Kysely, sql, type Transaction } from 'kysely';
import { type ServiceDefinition, ServiceDefinitionSchema } from '../../domain/service-definition.ts';
import type { Database } from './database.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** Stores a validated definition as the next draft version of its service; returns that version. */
export async function insertDraft(db: Executor, definition: ServiceDefinition): Promise<number> {
  const { version } = await db.insertInto('service_definitions')
    .values((eb) => ({
      service_code: definition.service.code,
      version: eb.selectFrom('service_definitions')
        .select(sql<number>`coalesce(max(version), 0) + 1`.as('next'))
        .where('service_code', '=', definition.service.code),
      status: 'draft',
      document: JSON.stringify(definition),
    }))
    .returning('version').executeTakeFirstOrThrow();
  return version;
}

/** Publishes a draft; false if there is no such draft (unknown, or already published). */
export async function publishDraft(db: Executor, serviceCode: string, version: number): Promise<boolean> {
  const result = await db.updateTable('service_definitions').set({ status: 'published', published_at: sql<Date>`now()` })
    .where('service_code', '=', serviceCode).where('version', '=', version).where('status', '=', 'draft')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** The newest published version of a service's definition, which new cases start on. */
export async function latestPublished(db: Executor, serviceCode: string): Promise<{ version: number; document: ServiceDefinition } | undefined> {
  const row = await db.selectFrom('service_definitions').select(['version', 'document'])
    .where('service_code', '=', serviceCode).where('status', '=', 'published')
    .orderBy('version', 'desc').limit(1).executeTakeFirst();
  // Stored documents were validated when drafted; parsing again applies defaults added since.
  return row && { version: row.version, document: ServiceDefinitionSchema.parse(row.document) };
}
