import { log } from '@temporalio/activity';
import type { Outcome } from '../domain/case.ts';
import type { Db } from '../db/connection.ts';
import type { CallOutcome, Dialer } from '../domain/dialer.ts';
import type { CitizenLinkKeys } from '../platform/citizen-link-secret.ts';
import { messageCitizen, messageOffice, type Notice, textCaller } from '../services/messages/outbox.ts';
import type { CitizenMessage, OfficeMessage } from '../services/messages/templates.ts';

export type { Notice };
/** `preferred`: the channel to use when the citizen gave that contact (the callback's written fallback). */
export interface NotifyCitizen {
  caseId: string;
  dedupKey: string;
  outcome: Outcome | null;
  preferred?: 'sms' | 'email' | 'letter';
}
/**
 * What happened, for the citizen or the office: the activity words it. `text` instead of
 * `message`: worded by workflow code of before the templates, a task still in flight during the upgrade.
 */
export type MessageCitizen = { caseId: string; dedupKey: string } & ({ message: CitizenMessage } | { text: string });
export type NotifyOffice = { caseId: string; dedupKey: string; officeId: string } & ({ message: OfficeMessage } | { text: string });
/**
 * `caseId` is null for a call that belongs to no case (a caller who hung up in the queue);
 * `linkedCallId` is the contact it follows up.
 */
export interface CallCitizen {
  caseId: string | null;
  attempt: number;
  phone: string;
  purpose: 'answer-ready' | 'scheduled' | 'abandoned-call';
  dedupKey: string;
  linkedCallId?: string;
}
/** `callId` is null when no call was placed. */
export interface CallResult {
  outcome: CallOutcome;
  callId: string | null;
}

// How long the citizen's phone rings before the attempt counts as unanswered.
const ringSeconds = 30;

/**
 * Outbound actions run on the telephony task queue: messages go to the outbox, worded there
 * (services/messages); calls go through the deployment's dialer.
 */
/** `citizenLinks`: every message to a citizen then ends with the link to their page of the case. */
export function createTelephonyActivities({ db, dialer, citizenLinks }: { db: Db; dialer: Dialer; citizenLinks?: CitizenLinkKeys }) {
  return {
    /** The outcome in writing: when the case is resolved, or when the callback with the answer reached no one. */
    async notifyCitizen({ caseId, dedupKey, outcome, preferred }: NotifyCitizen): Promise<Notice | null> {
      return messageCitizen(db, { caseId, dedupKey, preferred, message: { event: 'case.resolved', data: { outcome } } }, citizenLinks);
    },

    /** A message to the citizen on their channel: questions, progress. */
    async messageCitizen({ caseId, dedupKey, ...m }: MessageCitizen): Promise<Notice | null> {
      return messageCitizen(
        db,
        { caseId, dedupKey, message: 'text' in m ? { event: 'citizen.text', data: { text: m.text } } : m.message },
        citizenLinks,
      );
    },

    /** A reminder to the office's mailbox: scheduled, after a solicitation, or on breach. */
    async notifyOffice({ caseId, dedupKey, officeId, ...m }: NotifyOffice): Promise<Notice | null> {
      return messageOffice(db, {
        caseId,
        dedupKey,
        officeId,
        message: 'text' in m ? { event: 'office.text', data: { text: m.text } } : m.message,
      });
    },

    /** One attempt to call the citizen back; the dedup key is the call's id, the same on a retry. */
    async callCitizen({ caseId, attempt, phone, purpose, dedupKey, linkedCallId }: CallCitizen): Promise<CallResult> {
      log.info('calling the citizen back', { caseId, attempt, purpose, linkedCallId });
      const outcome = await dialer.call(phone, { callId: dedupKey, ringSeconds, linkedCallId });
      return { outcome, callId: outcome === 'failed' ? null : dedupKey };
    },

    /** A text message to a caller we know only by number (no case): the abandoned callback's written fallback, as the line words it. */
    async textCaller({ dedupKey, phone, text }: { dedupKey: string; phone: string; text: string }): Promise<Notice> {
      return textCaller(db, { dedupKey, phone, text });
    },

    /** The definition's survey questions, on the channel it names when the citizen gave that contact. */
    async sendSurvey({
      caseId,
      dedupKey,
      channel,
      questions,
    }: {
      caseId: string;
      dedupKey: string;
      channel: 'sms' | 'email';
      questions: string[];
    }): Promise<Notice | null> {
      return messageCitizen(
        db,
        { caseId, dedupKey, preferred: channel, message: { event: 'survey.sent', data: { questions } } },
        citizenLinks,
      );
    },
  };
}
