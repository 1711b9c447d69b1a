import { z } from 'zod';
import type { Calendar } from './calendar.ts';

/**
 * A municipality's contact-centre line (Milan 020202, Florence 055055): the numbers citizens
 * dial, the IVR menu (a key → a topic, answered in a queue or transferred to an office's
 * number), its queues, callers it routes first (the elderly, the vulnerable), and what happens to
 * a caller who hangs up in the queue: a callback inside the line's hours (its business calendar),
 * with attempts, and a text message when none is answered.
 */
const number = z.string().regex(/^\+?[0-9]{3,20}$/, 'a phone number of digits, optionally starting with +');
const digit = z.string().regex(/^[0-9*#]$/, 'one key: 0-9, * or #');

export const IvrOptionSchema = z
  .object({
    topic: z.string().min(1).max(100),
    /** The service a case opened from this choice is for. */
    serviceCode: z.string().min(1),
  })
  .and(
    z.union([
      z.object({ queue: z.string().min(1) }).strict(),
      /** A second-level office's number: the call is handed to it (blind transfer). */
      z.object({ transferTo: number, officeId: z.string().min(1) }).strict(),
    ]),
  );

export const LineConfigSchema = z
  .object({
    name: z.string().min(1).max(100),
    ivr: z.object({ menu: z.string().min(1), options: z.record(digit, IvrOptionSchema) }).strict(),
    queues: z.array(z.object({ id: z.string().min(1), name: z.string().min(1) }).strict()).min(1),
    /** Callers routed first: a number on this list is queued with high priority and, on a CTI PBX, dialled to `priorityNumber`. */
    profiled: z
      .object({
        numbers: z.array(z.object({ number, profile: z.enum(['elderly', 'vulnerable']) }).strict()),
        priorityNumber: number.nullable(),
      })
      .strict(),
    /** Out of the calendar's hours: the IVR answers with its closed message, or the PBX is told to reject the call. */
    whenClosed: z.enum(['ivr', 'reject']),
    callback: z
      .object({
        attempts: z.number().int().min(1).max(10),
        spacingMinutes: z
          .number()
          .min(0.01)
          .max(24 * 60),
        /** A shorter wait in the queue is a caller who changed their mind: no callback. */
        minWaitSeconds: z.number().min(0).max(3600),
        fallbackSms: z.string().min(1).max(320),
      })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const queues = new Set(c.queues.map((q) => q.id));
    for (const [key, o] of Object.entries(c.ivr.options)) {
      if ('queue' in o && !queues.has(o.queue))
        ctx.addIssue({ code: 'custom', path: ['ivr', 'options', key, 'queue'], message: `no queue "${o.queue}" on this line` });
    }
  });

export const LineSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{2,40}$/),
    municipalityId: z.string().min(1),
    calendarId: z.string().min(1),
    numbers: z.array(number).min(1),
    config: LineConfigSchema,
  })
  .strict();

export type Line = z.infer<typeof LineSchema>;
export type LineInput = z.input<typeof LineSchema>;
export type IvrOption = z.infer<typeof IvrOptionSchema>;
export type LineConfig = z.infer<typeof LineConfigSchema>;
export type QueuePriority = 'normal' | 'high';
/** A line with its business calendar, as the telephony side uses it. */
export interface LineRecord extends Line {
  calendar: Calendar;
}

/**
 * The forms one Italian number takes ("3331234567", "+393331234567", "00393331234567"), so a
 * caller is found whichever way the PBX presents them and whichever way the case stored them.
 */
export function phoneVariants(raw: string): string[] {
  const digits = raw.replace(/[^0-9]/g, '');
  const international = raw.startsWith('+') || digits.startsWith('00');
  const withoutZeros = digits.replace(/^00/, '');
  // A national number never starts with 39 and more than 10 digits (mobiles are 10 digits, 3xx…).
  const national =
    international || (withoutZeros.startsWith('39') && withoutZeros.length > 10)
      ? withoutZeros.startsWith('39')
        ? withoutZeros.slice(2)
        : null
      : withoutZeros;
  if (national === null) return [`+${withoutZeros}`];
  return [national, `+39${national}`, `0039${national}`];
}

export const sameNumber = (a: string, b: string) => phoneVariants(a)[0] === phoneVariants(b)[0];

/** The caller's profile on this line, when they are one to route first. */
export const profileOf = (line: Line, caller: string) =>
  line.config.profiled.numbers.find((p) => sameNumber(p.number, caller))?.profile ?? null;
export const priorityOf = (line: Line, caller: string): QueuePriority => (profileOf(line, caller) ? 'high' : 'normal');
