import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SmsReportAnswerSchema, SmsReportSchema } from '../../contracts/notifications.ts';
import type { Db } from '../../db/connection.ts';
import { checkGatewaySecret, recordSmsReport } from '../../services/sms-reports.service.ts';
import { problems } from '../problems.ts';

/** The SMS gateway's delivery reports (docs/notifications.md, "SMS"), authenticated by the shared secret. */
export const smsReportsRoutes: FastifyPluginAsyncZod<{ db: Db; secret: string | undefined }> = async (app, { db, secret }) => {
  app.post(
    '/notifications/sms/reports',
    {
      // Outside the staff session model: the gateway presents the shared secret in X-Gateway-Secret.
      config: { access: 'public' },
      // Checked before the body is validated: without the secret, whatever it posts is a 401.
      preValidation: async (req) => checkGatewaySecret(secret, req.headers['x-gateway-secret']),
      schema: {
        operationId: 'recordSmsReport',
        tags: ['notifications'],
        summary: "The SMS gateway's delivery report: the message it names becomes delivered or failed",
        body: SmsReportSchema,
        response: { 200: SmsReportAnswerSchema, ...problems(400, 401, 404) },
      },
    },
    async (req) => recordSmsReport(db, req.body),
  );
};
