import { z } from 'zod';
import { OutcomeSchema } from '../domain/case.ts';
import { IntakeFieldSchema } from '../domain/service-definition.ts';

export const ServiceSchema = z.object({
  id: z.string(), municipalityId: z.string(), code: z.string(), name: z.string(), officeId: z.string(),
});
z.globalRegistry.add(ServiceSchema, { id: 'Service' });

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

export type Service = z.infer<typeof ServiceSchema>;
export type ServiceIntake = z.infer<typeof ServiceIntakeSchema>;
