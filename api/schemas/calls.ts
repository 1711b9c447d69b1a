import { z } from 'zod';
import { CallDirectionSchema, EndCauseSchema } from '../../domain/call-events.ts';
import { listQuerySchema } from './list-query.ts';

/** A contact on the phone lines, at its latest state (the telephony adapters record them). */
export const CallSchema = z.object({
  id: z.string(), linkedCallId: z.string().nullable(), direction: CallDirectionSchema, caller: z.string(), called: z.string(),
  municipalityId: z.string().nullable(), state: z.string(), queue: z.string().nullable(), agent: z.string().nullable(),
  ivrChoice: z.string().nullable(), endCause: EndCauseSchema.nullable(), waitSeconds: z.number().nullable(),
  startedAt: z.date(), connectedAt: z.date().nullable(), endedAt: z.date().nullable(),
});
export const CallDetailSchema = CallSchema.extend({
  events: z.array(z.object({ seq: z.number().int(), type: z.string(), at: z.date(), data: z.record(z.string(), z.unknown()) })),
});
z.globalRegistry.add(CallSchema, { id: 'Call' });
z.globalRegistry.add(CallDetailSchema, { id: 'CallDetail' });

export const CallListQuerySchema = listQuerySchema(['startedAt'], z.object({
  direction: CallDirectionSchema.optional(),
  state: z.string().max(40).optional(),
  endCause: EndCauseSchema.optional(),
  /** The citizen's number, as caller (inbound) or called (outbound). */
  number: z.string().max(64).optional(),
  municipalityId: z.string().max(60).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
}).strict());
export type CallListFilter = NonNullable<z.infer<typeof CallListQuerySchema>['filter']>;
