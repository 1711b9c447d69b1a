import type { Citizen } from '../domain/case.ts';
import type { Executor } from './database.ts';

/**
 * Who a case's messages go to: the citizen's contacts, and the municipality whose wording they get.
 * Without a postal address on the case, the registry's record of the citizen may have one (a
 * letter goes there).
 */
export async function caseRecipient(db: Executor, caseId: string): Promise<{ citizen: Citizen; municipalityId: string }> {
  const row = await db
    .selectFrom('cases')
    .leftJoin('citizens', 'citizens.id', 'cases.citizen_id')
    .select(['cases.citizen', 'cases.municipality_id as municipalityId', 'citizens.address as registryAddress'])
    .where('cases.id', '=', caseId)
    .executeTakeFirstOrThrow();
  const citizen = row.citizen.address?.trim() || !row.registryAddress ? row.citizen : { ...row.citizen, address: row.registryAddress };
  return { citizen, municipalityId: row.municipalityId };
}

/** An office's mailbox (null when it has none), and its municipality. */
export async function officeRecipient(db: Executor, officeId: string): Promise<{ email: string | null; municipalityId: string }> {
  return db
    .selectFrom('offices')
    .select(['email', 'municipality_id as municipalityId'])
    .where('id', '=', officeId)
    .executeTakeFirstOrThrow();
}
