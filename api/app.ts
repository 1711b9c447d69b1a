import { existsSync } from 'node:fs';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../platform/config.ts';
import type { Db } from '../db/connection.ts';
import type { Logger } from '../platform/logger.ts';
import { adminUiDist } from '../platform/paths.ts';
import { registerErrorHandling } from './problems.ts';
import { citizenPage } from './citizen-page/plugin.ts';
import { redactedRequest } from './request-log.ts';
import { citizenLinkKeys } from '../platform/citizen-link-secret.ts';
import { citizenLinksRoutes } from './routes/citizen-links.routes.ts';
import { ApiError } from '../services/errors.ts';
import { registerAccessControl } from './auth/access-control.ts';
import { open311Routes } from './open311/routes.ts';
import { apiKeysRoutes } from './routes/api-keys.routes.ts';
import { attachmentsRoutes } from './routes/attachments.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { calendarsRoutes } from './routes/calendars.routes.ts';
import { callsRoutes } from './routes/calls.routes.ts';
import { casesRoutes } from './routes/cases.routes.ts';
import { definitionsRoutes } from './routes/definitions.routes.ts';
import { citizensRoutes } from './routes/citizens.routes.ts';
import { municipalitiesRoutes } from './routes/municipalities.routes.ts';
import { officesRoutes } from './routes/offices.routes.ts';
import { surveyAnswersRoutes } from './routes/survey-answers.routes.ts';
import { messagesRoutes } from './routes/messages.routes.ts';
import { usersRoutes } from './routes/users.routes.ts';
import { sessionRoutes } from './routes/session.routes.ts';
import { tasksRoutes } from './routes/tasks.routes.ts';
import { ctiRoutes } from './routes/cti.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { knowledgeRoutes } from './routes/knowledge.routes.ts';
import { kpiRoutes } from './routes/kpi.routes.ts';
import { referenceRoutes } from './routes/reference.routes.ts';
import { lettersRoutes } from './routes/letters.routes.ts';
import { smsReportsRoutes } from './routes/sms-reports.routes.ts';
import { registerTextGuard } from './text-guard.ts';

export interface AppDeps {
  config: Pick<
    Config,
    | 'NODE_ENV'
    | 'BODY_LIMIT_BYTES'
    | 'CASE_TASK_QUEUE'
    | 'TELEPHONY_TASK_QUEUE'
    | 'CASE_UPDATE_TIMEOUT_SECONDS'
    | 'SESSION_TTL_HOURS'
    | 'LOGIN_ATTEMPTS_PER_MINUTE'
    | 'RATE_LIMIT_PER_MINUTE'
    | 'CORS_ORIGINS'
    | 'TEMPORAL_UI_URL'
    | 'TEMPORAL_NAMESPACE'
    | 'SMS_REPORTS_SECRET'
    | 'PUBLIC_URL'
    | 'OPEN311_CONTACT'
    | 'OPEN311_KEY_SERVICE'
    | 'OPEN311_PUBLIC_MEDIA_SERVICES'
    | 'CITIZEN_LINK_SECRET'
    | 'CITIZEN_LINK_DAYS_AFTER_CLOSURE'
    | 'CITIZEN_PAGE_REQUESTS_PER_MINUTE'
    | 'DATA_DIR'
    | 'HOST'
    | 'PORT'
  >;
  db: Db;
  temporal: Client;
  logger: Logger;
}

export async function buildApp({ config, db, temporal, logger }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Request logs show the URL: a citizen's page token is taken out of it.
    childLoggerFactory: (parent, bindings, options) =>
      parent.child(bindings, { ...options, serializers: { ...options.serializers, req: redactedRequest } }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerTextGuard(app);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        // MUI (emotion) injects its styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  // CORS stays closed (no headers, browsers refuse) unless origins are configured.
  if (config.CORS_ORIGINS.length) await app.register(fastifyCors, { origin: config.CORS_ORIGINS, credentials: true });
  await registerAccessControl(app, db);
  await app.register(fastifyRateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    hook: 'preHandler',
    keyGenerator: (req) => req.principal?.id ?? req.ip,
    errorResponseBuilder: (_req, ctx) => new ApiError('too_many_requests', `more than ${ctx.max} requests in ${ctx.after}: slow down`),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Sportello API', version: '0.1.0', description: 'Back office of a citizen contact centre.' },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { db, temporal });
  const caseDeps = {
    db,
    temporal,
    taskQueue: config.CASE_TASK_QUEUE,
    telephonyTaskQueue: config.TELEPHONY_TASK_QUEUE,
    updateTimeoutMs: config.CASE_UPDATE_TIMEOUT_SECONDS * 1000,
  };
  await app.register(
    async (api) => {
      await api.register(casesRoutes, caseDeps);
      await api.register(tasksRoutes, caseDeps);
      await api.register(referenceRoutes, { db });
      await api.register(definitionsRoutes, { db });
      await api.register(sessionRoutes, {
        db,
        ttlMs: config.SESSION_TTL_HOURS * 3_600_000,
        secureCookie: config.NODE_ENV !== 'development',
        loginAttemptsPerMinute: config.LOGIN_ATTEMPTS_PER_MINUTE,
        temporalUiUrl: config.TEMPORAL_UI_URL
          ? `${config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows`
          : null,
      });
      await api.register(auditRoutes, { db });
      await api.register(apiKeysRoutes, { db });
      await api.register(ctiRoutes, { ...caseDeps, logger });
      await api.register(smsReportsRoutes, { db, secret: config.SMS_REPORTS_SECRET });
      await api.register(citizenLinksRoutes, { db, keys: citizenLinkKeys(config) });
      for (const routes of [
        callsRoutes,
        knowledgeRoutes,
        municipalitiesRoutes,
        officesRoutes,
        calendarsRoutes,
        usersRoutes,
        citizensRoutes,
        surveyAnswersRoutes,
        messagesRoutes,
        kpiRoutes,
        lettersRoutes,
        attachmentsRoutes,
      ]) {
        await api.register(routes, { db });
      }
    },
    { prefix: '/api' },
  );
  await app.register(open311Routes, {
    ...caseDeps,
    publicUrl: config.PUBLIC_URL,
    contact: config.OPEN311_CONTACT,
    keyService: config.OPEN311_KEY_SERVICE,
    publicMediaServices: config.OPEN311_PUBLIC_MEDIA_SERVICES,
    prefix: '/open311',
  });
  await app.register(citizenPage, {
    ...caseDeps,
    linkDaysAfterClosure: config.CITIZEN_LINK_DAYS_AFTER_CLOSURE,
    requestsPerMinute: config.CITIZEN_PAGE_REQUESTS_PER_MINUTE,
  });

  if (existsSync(adminUiDist)) {
    await app.register(fastifyStatic, { root: adminUiDist, prefix: '/admin/', redirect: true });
  } else {
    app.get('/admin/*', { schema: { hide: true } }, async () => {
      throw new ApiError('unavailable', 'the console is not built: run `npm run build`');
    });
  }
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/admin/'));
  return app;
}
