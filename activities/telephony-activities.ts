import { log } from '@temporalio/activity';
import type { Outcome } from '../domain/case.ts';
import type { Db } from '../db/connection.ts';
import type { CallOutcome, Dialer } from '../domain/dialer.ts';

/** `preferred`: the channel to use when the citizen gave that contact (the callback's written fallback). */
export interface NotifyCitizen { caseId: string; dedupKey: string; outcome: Outcome | null; preferred?: 'sms' | 'email' }
/**
 * `caseId` is null for a call that belongs to no case (a caller who hung up in the queue);
 * `linkedCallId` is the contact it follows up.
 */
export interface CallCitizen {
  caseId: string | null; attempt: number; phone: string; purpose: 'answer-ready' | 'scheduled' | 'abandoned-call'; dedupKey: string;
  linkedCallId?: string;
}
/** `callId` is null when no call was placed. */
export interface CallResult { outcome: CallOutcome; callId: string | null }

// How long the citizen's phone rings before the attempt counts as unanswered.
const ringSeconds = 30;
export interface Notice { channel: 'sms' | 'email'; recipient: string }

const outcomeText: Record<Outcome, string> = {
  resolved: 'è stata risolta',
  rejected: 'è stata respinta',
  redirected: "è stata inoltrata all'ente competente",
  withdrawn: 'è stata ritirata',
};

/**
 * Outbound actions run on the telephony task queue. Messages go to the outbound_messages
 * outbox (idempotent by dedup key), from which the SMS and e-mail gateways deliver; calls go
 * through the deployment's dialer.
 */
export function createTelephonyActivities({ db, dialer }: { db: Db; dialer: Dialer }) {
  const enqueue = (caseId: string | null, dedupKey: string, notice: Notice, body: string) => db.insertInto('outbound_messages')
    .values({ case_id: caseId, dedup_key: dedupKey, channel: notice.channel, recipient: notice.recipient, body })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .execute();

  /** The citizen's channel: `preferred` when they gave that contact, else phone (SMS), else e-mail. */
  const citizenContact = async (caseId: string, preferred?: 'sms' | 'email'): Promise<Notice | null> => {
    const { citizen } = await db.selectFrom('cases').select(['citizen']).where('id', '=', caseId).executeTakeFirstOrThrow();
    const sms = citizen.phone ? { channel: 'sms' as const, recipient: citizen.phone } : null;
    const email = citizen.email ? { channel: 'email' as const, recipient: citizen.email } : null;
    return (preferred === 'email' ? email ?? sms : sms ?? email);
  };

  return {
    async notifyCitizen({ caseId, dedupKey, outcome, preferred }: NotifyCitizen): Promise<Notice | null> {
      const notice = await citizenContact(caseId, preferred);
      if (notice) await enqueue(caseId, dedupKey, notice, `Comune - la sua richiesta ${caseId} ${outcome ? outcomeText[outcome] : 'è stata aggiornata'}.`);
      return notice;
    },

    /** A free-text message to the citizen on their channel: questions, progress. */
    async messageCitizen({ caseId, dedupKey, text }: { caseId: string; dedupKey: string; text: string }): Promise<Notice | null> {
      const notice = await citizenContact(caseId);
      if (notice) await enqueue(caseId, dedupKey, notice, `Comune - richiesta ${caseId}: ${text}.`);
      return notice;
    },

    /** A reminder to the office's mailbox: scheduled, after a solicitation, or on breach. */
    async notifyOffice({ caseId, dedupKey, officeId, text }: { caseId: string; dedupKey: string; officeId: string; text: string }): Promise<Notice | null> {
      const office = await db.selectFrom('offices').select(['email']).where('id', '=', officeId).executeTakeFirstOrThrow();
      if (!office.email) return null;
      const notice = { channel: 'email' as const, recipient: office.email };
      await enqueue(caseId, dedupKey, notice, `Pratica ${caseId}: ${text}`);
      return notice;
    },

    /** One attempt to call the citizen back; the dedup key is the call's id, the same on a retry. */
    async callCitizen({ caseId, attempt, phone, purpose, dedupKey, linkedCallId }: CallCitizen): Promise<CallResult> {
      log.info('calling the citizen back', { caseId, attempt, purpose, linkedCallId });
      const outcome = await dialer.call(phone, { callId: dedupKey, ringSeconds, linkedCallId });
      return { outcome, callId: outcome === 'failed' ? null : dedupKey };
    },

    /** A text message to a caller we know only by number (no case): the abandoned callback's written fallback. */
    async textCaller({ dedupKey, phone, text }: { dedupKey: string; phone: string; text: string }): Promise<Notice> {
      const notice = { channel: 'sms' as const, recipient: phone };
      await enqueue(null, dedupKey, notice, text);
      return notice;
    },

    async sendSurvey({ caseId, dedupKey, channel, questions }: { caseId: string; dedupKey: string; channel: 'sms' | 'email'; questions: string[] }): Promise<Notice | null> {
      const notice = await citizenContact(caseId, channel);
      if (notice) await enqueue(caseId, dedupKey, notice, `Comune - com'è andata la richiesta ${caseId}? ${questions.join(' ')}`);
      return notice;
    },
  };
}
