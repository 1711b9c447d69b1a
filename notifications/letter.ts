import type { Db } from '../db/connection.ts';
import { queueLetter } from '../services/letters.service.ts';
import type { ClaimedMessage } from '../services/outbox.service.ts';
import { type ChannelAdapter, PermanentFailure, type Sent } from './channel.ts';

/**
 * Printed letters (docs/notifications.md, "Letters"). Sending queues the PDF for the back office to
 * print: the message is `sent` (handed over, provider id = the letter's id) and becomes `delivered`
 * when the letter is marked posted. Idempotent: a message queues one letter however often it is sent.
 */
export function createLetterAdapter(db: Db): ChannelAdapter {
  return {
    channel: 'letter',
    idempotent: true,
    async send(message: ClaimedMessage): Promise<Sent> {
      if (!message.recipient.trim()) throw new PermanentFailure('a letter needs a postal address');
      const letter = await queueLetter(db, message);
      if (!letter) throw new PermanentFailure('a letter needs the municipality whose letterhead it carries');
      return { providerMessageId: letter.id, status: letter.status === 'posted' ? 'delivered' : 'sent' };
    },
  };
}
