import { z } from 'zod';
import { OutcomeSchema, SurveyAnswerSchema } from '../domain/case.ts';
import { listQuerySchema } from './list-query.ts';

export const SurveyAnswerRecordSchema = z.object({
  /** `<case id>:<event seq>` */
  id: z.string(),
  caseId: z.string(),
  municipalityId: z.string(),
  serviceCode: z.string(),
  outcome: OutcomeSchema.nullable(),
  answeredAt: z.string(),
  answers: SurveyAnswerSchema.shape.answers,
});
z.globalRegistry.add(SurveyAnswerRecordSchema, { id: 'SurveyAnswerRecord' });
export type SurveyAnswerRecord = z.infer<typeof SurveyAnswerRecordSchema>;

export const SurveyAnswerListQuerySchema = listQuerySchema(
  ['answeredAt'],
  z
    .object({
      municipalityId: z.string().max(40).optional(),
      serviceCode: z.string().max(60).optional(),
      answeredFrom: z.iso.datetime({ offset: true }).optional(),
      answeredTo: z.iso.datetime({ offset: true }).optional(),
    })
    .strict(),
);
