import { createHmac } from 'node:crypto';
import { localDateOf } from '../domain/calendar.ts';

/** Hex digits spelt as the letters a–p: the pseudonym holds no digit at all, so none of a number. */
const letters = (bytes: Buffer) => [...bytes.toString('hex')].map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');

/**
 * The abandoned caller's callback workflow: one per caller per line per day (Europe/Rome), so a
 * second abandon the same day joins the first one's workflow instead of calling the citizen twice.
 * Workflow ids are readable by whoever reads Temporal (and become the callback calls' ids), so the
 * caller's number is not in it: a keyed hash (HMAC-SHA-256, 128 bits) of line, number and day —
 * the same for the same three, unlinkable across days, and nobody without the key can test a number.
 */
export function abandonedCallbackWorkflowId(key: Buffer, lineId: string, phone: string, at: number): string {
  const { year, month, day } = localDateOf(at);
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const digest = createHmac('sha256', key)
    .update(`${lineId}\n${phone.replace(/[^0-9+]/g, '')}\n${date}`)
    .digest();
  return `callback-${lineId}-${date}-${letters(digest.subarray(0, 16))}`;
}
