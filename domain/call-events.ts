import { z } from 'zod';

/**
 * The neutral call-event model every telephony adapter (SIP, CTI webhook, ARI) maps its protocol
 * onto: one contact's lifecycle, numbered per call. Transfers and callbacks are new contacts whose
 * `initiated` event names the original in `linkedCallId`. Stored in `call_events` (the source of
 * the call KPIs), with the contact's current state in `calls`.
 */
const phoneNumber = z.string().min(1).max(64);

const base = {
  /** The adapter's identifier of the contact (for SIP, the dialog's Call-ID). */
  callId: z.string().min(1).max(256),
  /** 1, 2, 3… per call: (callId, seq) identifies an event, so a repeated one is ignored. */
  seq: z.number().int().min(1),
  at: z.iso.datetime({ offset: true }),
};

export const CallDirectionSchema = z.enum(['inbound', 'outbound']);
export const EndCauseSchema = z.enum([
  'normal', // either side hung up after the call was up
  'abandoned', // the caller hung up before anyone answered
  'transferred', // handed over to another number (a new, linked contact)
  'busy',
  'no-answer',
  'rejected',
  'failed',
]);

export const CallEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('initiated'),
    direction: CallDirectionSchema,
    caller: phoneNumber,
    called: phoneNumber,
    /** The municipality whose line the call is on; null when the number is no known line. */
    line: z.string().nullable(),
    linkedCallId: z.string().min(1).max(256).nullable(),
  }),
  z.object({ ...base, type: z.literal('ivr-choice'), menu: z.string().min(1), digits: z.string().regex(/^[0-9*#A-D]+$/) }),
  z.object({
    ...base,
    type: z.literal('queued'),
    queue: z.string().min(1),
    position: z.number().int().min(1),
    /** `high`: a profiled caller (elderly, vulnerable), answered before the others. Absent in events from before priorities. */
    priority: z.enum(['normal', 'high']).optional(),
  }),
  z.object({ ...base, type: z.literal('connected'), agent: z.string().min(1).nullable() }),
  z.object({
    ...base,
    type: z.literal('transferred'),
    mode: z.enum(['blind', 'attended']),
    target: phoneNumber,
    /** The contact the transfer became. */
    newCallId: z.string().min(1).max(256),
  }),
  z.object({
    ...base,
    type: z.literal('transfer-failed'),
    target: phoneNumber,
    /** The refusal: the REFER's final status, or the one the transferee reported in its NOTIFY sipfrag. */
    status: z.number().int().min(300).max(699),
    /** The contact the transfer had become, now ended; null when the REFER itself was refused. */
    newCallId: z.string().min(1).max(256).nullable(),
  }),
  z.object({ ...base, type: z.literal('abandoned'), phase: z.enum(['ringing', 'queued']), waitSeconds: z.number().min(0) }),
  z.object({ ...base, type: z.literal('ended'), cause: EndCauseSchema }),
]);

export type CallEvent = z.infer<typeof CallEventSchema>;
export type CallEventType = CallEvent['type'];
export type EndCause = z.infer<typeof EndCauseSchema>;
/** An event as an adapter reports it: the recorder numbers and timestamps it. */
export type CallEventInput = CallEvent extends infer E ? (E extends CallEvent ? Omit<E, 'seq' | 'at'> & { at?: string } : never) : never;
