import { z } from 'zod';
import { CallDirectionSchema, EndCauseSchema } from '../domain/call-events.ts';
import { countedCallKpis } from '../domain/kpi/definitions.ts';
import { callThresholdFields } from './kpi.ts';
import { listQuerySchema } from './list-query.ts';

/** A contact on the phone lines, at its latest state (the telephony adapters record them). */
export const CallSchema = z.object({
  id: z.string(),
  linkedCallId: z.string().nullable(),
  direction: CallDirectionSchema,
  caller: z.string(),
  called: z.string(),
  municipalityId: z.string().nullable(),
  state: z.string(),
  queue: z.string().nullable(),
  agent: z.string().nullable(),
  ivrChoice: z.string().nullable(),
  endCause: EndCauseSchema.nullable(),
  waitSeconds: z.number().nullable(),
  startedAt: z.date(),
  connectedAt: z.date().nullable(),
  endedAt: z.date().nullable(),
});
export const CallDetailSchema = CallSchema.extend({
  events: z.array(z.object({ seq: z.number().int(), type: z.string(), at: z.date(), data: z.record(z.string(), z.unknown()) })),
});
z.globalRegistry.add(CallSchema, { id: 'Call' });
export const CallParams = z.object({ id: z.string().min(1).max(256) });
z.globalRegistry.add(CallDetailSchema, { id: 'CallDetail' });

const CallListFilterSchema = z
  .object({
    direction: CallDirectionSchema.optional(),
    state: z.string().max(40).optional(),
    endCause: EndCauseSchema.optional(),
    /** The citizen's number, as caller (inbound) or called (outbound). */
    number: z.string().max(64).optional(),
    municipalityId: z.string().max(60).optional(),
    queue: z.string().min(1).max(60).optional(),
    /** Started at or after `from`, before `to` (the KPIs' half-open range). */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** The calls a call KPI counts (inbound, on a line served, not a transfer's leg), with its thresholds. */
    kpi: z.enum(countedCallKpis).optional(),
    ...callThresholdFields,
    /** Arrived on this local weekday (1 = Monday) and hour, Europe/Rome: a cell of the KPIs' heat map. */
    weekday: z.number().int().min(1).max(7).optional(),
    hour: z.number().int().min(0).max(23).optional(),
  })
  .strict();
export const CallListQuerySchema = listQuerySchema(['startedAt'], CallListFilterSchema);
/** No filter: the thresholds at their defaults. */
export const noCallFilter = CallListFilterSchema.parse({});
