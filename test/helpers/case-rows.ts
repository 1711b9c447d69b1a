import type { Db } from '../../db/connection.ts';

/**
 * A case row written straight into the read model, for tests (and benchmarks) of what reads cases
 * without a workflow behind them: the outbox, message lists. Milan's general information.
 */
export async function insertCaseRow(
  db: Db,
  c: { id: string; citizen: Record<string, string>; channel?: 'web' | 'phone'; subject?: string },
): Promise<string> {
  await db
    .insertInto('cases')
    .values({
      id: c.id,
      municipality_id: 'milano',
      service_code: 'general-information',
      channel: c.channel ?? 'web',
      subject: c.subject ?? 'Orari',
      description: '',
      citizen: JSON.stringify(c.citizen),
      status: 'open',
      stage: 'intake',
      outcome: null,
      created_at: new Date(),
      updated_at: new Date(),
      resolved_at: null,
      last_seq: 0,
      definition_version: 1,
      office_id: null,
    })
    .execute();
  return c.id;
}
