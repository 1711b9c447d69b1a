import { z } from 'zod';

export const HealthSchema = z.object({ status: z.literal('ok') });
/** Readiness: each dependency's check, `ok` or what went wrong. */
export const ReadinessSchema = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()) });
export type Readiness = z.infer<typeof ReadinessSchema>;
