import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import { pageOf } from '../../contracts/list-query.ts';
import { sendPage } from '../lists.ts';
import { SurveyAnswerListQuerySchema, SurveyAnswerRecordSchema } from '../../contracts/survey-answers.ts';
import { listSurveyAnswers } from '../../services/survey-answers.service.ts';

export const surveyAnswersRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/survey-answers',
    {
      config: { access: can.review },
      schema: {
        operationId: 'listSurveyAnswers',
        tags: ['survey answers'],
        summary: "Citizens' answers to the satisfaction survey in the municipalities you serve, newest first",
        querystring: SurveyAnswerListQuerySchema,
        response: { 200: SurveyAnswerRecordSchema.array(), ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const page = pageOf(req.query.range);
      const { rows, total } = await listSurveyAnswers(
        db,
        principalOf(req).municipalities,
        req.query.filter ?? {},
        req.query.sort?.[1] ?? 'DESC',
        page,
      );
      return sendPage(reply, 'survey-answers', page, { rows, total });
    },
  );
};
