import type { Outcome } from '../domain/case.ts';
import type { Db } from '../platform/db.ts';

export interface NotifyCitizen { caseId: string; dedupKey: string; outcome: Outcome | null }
export interface Notice { channel: 'sms' | 'email'; recipient: string }

const outcomeText: Record<Outcome, string> = {
  resolved: 'è stata risolta',
  rejected: 'è stata respinta',
  redirected: "è stata inoltrata all'ente competente",
  withdrawn: 'è stata ritirata',
};

/**
 * Outbound actions run on the telephony task queue. Messages go to the outbound_messages
 * outbox (idempotent by dedup key), from which the SMS and e-mail gateways deliver.
 */
export function createTelephonyActivities({ db }: { db: Db }) {
  return {
    async notifyCitizen({ caseId, dedupKey, outcome }: NotifyCitizen): Promise<Notice | null> {
      const { citizen } = await db.selectFrom('cases').select(['citizen']).where('id', '=', caseId).executeTakeFirstOrThrow();
      const notice: Notice | null = citizen.phone
        ? { channel: 'sms', recipient: citizen.phone }
        : citizen.email ? { channel: 'email', recipient: citizen.email } : null;
      if (!notice) return null;
      const body = `Comune - la sua richiesta ${caseId} ${outcome ? outcomeText[outcome] : 'è stata aggiornata'}.`;
      await db.insertInto('outbound_messages')
        .values({ case_id: caseId, dedup_key: dedupKey, channel: notice.channel, recipient: notice.recipient, body })
        .onConflict((oc) => oc.column('dedup_key').doNothing())
        .execute();
      return notice;
    },
  };
}
