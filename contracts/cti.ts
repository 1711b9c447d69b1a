import { z } from 'zod';

/**
 * Zammad's generic CTI API (docs.zammad.org, "Generic CTI"): a PBX posts `newCall`, `answer` and
 * `hangup` for each call, form-encoded or JSON, to the line's URL with `?token=`; for `newCall`
 * it may be told to reject the call or dial it elsewhere.
 */
const number = z.string().trim().min(1).max(64);
const callId = z.string().trim().min(1).max(256);
// Zammad sends `user[]=…` (form) or `user: [...]` (JSON): the agents the call rang or who answered.
const user = z
  .union([z.string().max(200), z.array(z.string().max(200))])
  .optional()
  .transform((u) => (Array.isArray(u) ? u[0] : u) || null);
export const ctiCauses = ['normalClearing', 'busy', 'cancel', 'noAnswer', 'congestion', 'notFound', 'forwarded'] as const;

export const CtiEventSchema = z.preprocess(
  (body) => (body && typeof body === 'object' && 'user[]' in body ? { ...body, user: (body as Record<string, unknown>)['user[]'] } : body),
  z.discriminatedUnion('event', [
    z.object({
      event: z.literal('newCall'),
      direction: z.enum(['in', 'out']),
      from: number,
      to: number,
      callId,
      user,
      queue: z.string().max(100).optional(),
    }),
    z.object({ event: z.literal('answer'), callId, user, answeringNumber: number.optional() }),
    z.object({ event: z.literal('hangup'), callId, cause: z.enum(ctiCauses), answeringNumber: number.optional() }),
  ]),
);
export type CtiEvent = z.infer<typeof CtiEventSchema>;

/** What the PBX is told to do with a new call: nothing (`{}`), reject it, or dial it to another number. */
export const CtiAnswerSchema = z.object({
  action: z.enum(['reject', 'dial']).optional(),
  reason: z.literal('busy').optional(),
  number: z.string().optional(),
});
z.globalRegistry.add(CtiAnswerSchema, { id: 'CtiAnswer' });
export type CtiAnswer = z.infer<typeof CtiAnswerSchema>;

export const CtiParams = z.object({ lineId: z.string().max(60) });
export const CtiQuery = z.object({ token: z.string().max(200).optional() });
