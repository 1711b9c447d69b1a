import { z } from 'zod';
import { OutcomeSchema } from '../domain/case.ts';
import { IntakeFieldSchema } from '../domain/service-definition.ts';
import { listQuerySchema } from './list-query.ts';

/** A service a municipality offers, as operators pick it; its id is `<municipality>:<code>`. */
export const ServiceSchema = z.object({
  id: z.string(),
  municipalityId: z.string(),
  code: z.string(),
  name: z.string(),
  officeId: z.string(),
});
z.globalRegistry.add(ServiceSchema, { id: 'Service' });
export const ServiceListQuerySchema = listQuerySchema(['name'], z.object({ municipalityId: z.string().optional() }).strict());

/** What the operator needs of a service's published definition to open and answer a case. */
export const ServiceIntakeSchema = z.object({
  serviceId: z.string(),
  definitionVersion: z.number().int(),
  fields: z.array(IntakeFieldSchema),
  operatorMayClose: z.boolean(),
  outcomes: z.array(OutcomeSchema),
  knowledgeArticles: z.array(z.string()),
});
z.globalRegistry.add(ServiceIntakeSchema, { id: 'ServiceIntake' });
export const ServiceParams = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,40}:[a-z0-9-]{2,60}$/, 'a service id such as "milano:tari-refund"'),
});

export type Service = z.infer<typeof ServiceSchema>;
export type ServiceIntake = z.infer<typeof ServiceIntakeSchema>;
