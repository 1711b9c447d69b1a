import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import { changeOf, principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';
import {
  MessageTemplateInputSchema,
  MessageTemplateParams,
  MessageTemplatePreviewSchema,
  MessageTemplateSchema,
  MessageTemplatesParams,
} from '../../contracts/message-templates.ts';
import { listTemplates, previewTemplate, putTemplate, resetTemplate } from '../../services/message-templates.service.ts';

const tags = ['administration'];
const keyOf = ({ id, event, language }: { id: string; event: string; language: 'it' | 'en' }) => ({
  municipalityId: id,
  event,
  language,
});

// A municipality the caller does not serve answers 404, as one that does not exist.
export const messageTemplatesRoutes: FastifyPluginAsyncZod<{ db: Db; publicUrl: string }> = async (app, { db, publicUrl }) => {
  app.get(
    '/municipalities/:id/message-templates',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'listMessageTemplates',
        tags,
        summary: "How the municipality's messages are worded: every event in every language, its own template or the default",
        params: MessageTemplatesParams,
        response: { 200: MessageTemplateSchema.array(), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => listTemplates(db, principalOf(req), req.params.id),
  );

  app.put(
    '/municipalities/:id/message-templates/:event/:language',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'putMessageTemplate',
        tags,
        summary:
          "Word an event's messages in a language the municipality's own way (only the event's placeholders; the subject names {caseId})",
        params: MessageTemplateParams,
        body: MessageTemplateInputSchema,
        response: { 200: MessageTemplateSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => putTemplate(db, keyOf(req.params), req.body, changeOf(req)),
  );

  app.delete(
    '/municipalities/:id/message-templates/:event/:language',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'resetMessageTemplate',
        tags,
        summary: "Back to the default wording of the event's messages in that language",
        params: MessageTemplateParams,
        response: { 200: MessageTemplateSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => resetTemplate(db, keyOf(req.params), changeOf(req)),
  );

  app.post(
    '/municipalities/:id/message-templates/:event/:language/preview',
    {
      config: { access: can.administer },
      schema: {
        operationId: 'previewMessageTemplate',
        tags,
        summary: 'A template as a message of its event would read, with sample data and a sample page link; nothing is saved',
        params: MessageTemplateParams,
        body: MessageTemplateInputSchema,
        response: { 200: MessageTemplatePreviewSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => previewTemplate(principalOf(req), keyOf(req.params), req.body, publicUrl),
  );
};
