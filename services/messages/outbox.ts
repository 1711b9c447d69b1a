import type { Citizen } from '../../domain/case.ts';
import type { Executor } from '../../db/database.ts';
import { enqueueMessage } from '../../db/outbound-messages.repository.ts';
import { caseRecipient, officeRecipient } from '../../db/recipients.repository.ts';
import { citizenPageUrl, type CitizenLinkKeys } from '../citizen-links.service.ts';
import { cachedOwnTemplates } from './own-templates.ts';
import { render, type RenderContext } from './render.ts';
import { type CitizenMessage, defaultLanguage, type Message, type OfficeMessage } from './templates.ts';

/**
 * A message's words and what the channels need to know of it: its event, language, subject,
 * municipality. Worded by the municipality's own template of the event, else the default.
 */
const worded = async (db: Executor, message: Message, municipalityId: string | null, context: RenderContext) => ({
  municipalityId,
  event: message.event,
  language: context.language,
  ...render(message, context, await cachedOwnTemplates(db, municipalityId)),
});

/** Where a message went; `reason` when it is not the channel asked for. */
export interface Notice {
  channel: 'sms' | 'email' | 'letter';
  recipient: string;
  reason?: string;
}

/**
 * The citizen's channel: `preferred` when they gave that contact, else phone (SMS), else e-mail,
 * else a letter to their postal address (a citizen who gave only that is written to). A letter
 * asked for (a definition's callback `fallback: letter`) needs a postal address; without one the
 * message goes by SMS or e-mail, and the notice says why.
 */
function citizenChannel(citizen: Citizen, preferred?: 'sms' | 'email' | 'letter'): Notice | null {
  const sms = citizen.phone ? { channel: 'sms' as const, recipient: citizen.phone } : null;
  const email = citizen.email ? { channel: 'email' as const, recipient: citizen.email } : null;
  const letter = citizen.address?.trim() ? { channel: 'letter' as const, recipient: citizen.address.trim() } : null;
  if (preferred === 'letter') {
    if (letter) return letter;
    const instead = sms ?? email;
    return instead && { ...instead, reason: 'no postal address on file for a letter' };
  }
  return (preferred === 'email' ? (email ?? sms) : (sms ?? email)) ?? letter;
}

/**
 * Messages go to the outbound_messages outbox (idempotent by dedup key), worded by the templates
 * in the recipient's language (cases carry none yet: Italian) and their municipality's wording.
 * The notifications worker delivers them (notifications/dispatcher.ts). Null when there is no contact to write to.
 * Given the link keys, every message ends with the link to the citizen's page of the case.
 */
export async function messageCitizen(
  db: Executor,
  m: { caseId: string; dedupKey: string; message: CitizenMessage; preferred?: 'sms' | 'email' | 'letter' },
  links?: CitizenLinkKeys,
): Promise<Notice | null> {
  const { citizen, municipalityId } = await caseRecipient(db, m.caseId);
  const notice = citizenChannel(citizen, m.preferred);
  if (notice) {
    const pageUrl = links ? await citizenPageUrl(db, links, m.caseId) : null;
    const context = { caseId: m.caseId, language: defaultLanguage, pageUrl };
    const { channel, recipient } = notice;
    const words = await worded(db, m.message, municipalityId, context);
    await enqueueMessage(db, { caseId: m.caseId, dedupKey: m.dedupKey, channel, recipient, ...words });
  }
  return notice;
}

/** To the office's mailbox; null when it has none. */
export async function messageOffice(
  db: Executor,
  m: { caseId: string; dedupKey: string; officeId: string; message: OfficeMessage },
): Promise<Notice | null> {
  const { email, municipalityId } = await officeRecipient(db, m.officeId);
  if (!email) return null;
  const notice = { channel: 'email' as const, recipient: email };
  const words = await worded(db, m.message, municipalityId, { caseId: m.caseId, language: defaultLanguage });
  await enqueueMessage(db, { caseId: m.caseId, dedupKey: m.dedupKey, ...notice, ...words });
  return notice;
}

/** A text already worded (a line's configured fallback) to a caller known only by number. */
export async function textCaller(db: Executor, m: { dedupKey: string; phone: string; text: string }): Promise<Notice> {
  const notice = { channel: 'sms' as const, recipient: m.phone };
  await enqueueMessage(db, { caseId: null, dedupKey: m.dedupKey, ...notice, body: m.text });
  return notice;
}
