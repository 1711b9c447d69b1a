import type { Citizen } from '../domain/case.ts';
import type { Executor } from './database.ts';

/** Who a case's messages go to: the citizen's contacts, and the municipality whose wording they get. */
export async function caseRecipient(db: Executor, caseId: string): Promise<{ citizen: Citizen; municipalityId: string }> {
  return db.selectFrom('cases').select(['citizen', 'municipality_id as municipalityId']).where('id', '=', caseId).executeTakeFirstOrThrow();
}

/** An office's mailbox (null when it has none), and its municipality. */
export async function officeRecipient(db: Executor, officeId: string): Promise<{ email: string | null; municipalityId: string }> {
  return db
    .selectFrom('offices')
    .select(['email', 'municipality_id as municipalityId'])
    .where('id', '=', officeId)
    .executeTakeFirstOrThrow();
}
