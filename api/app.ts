import { existsSync } from 'node:fs';
import fastifyCors from '@fastify/cors';
import { payloadMasterKey } from '../platform/payload-master-key.ts';
import { PayloadCipher } from '../services/payload-codec.ts';
import { temporalCodecRoutes } from './routes/temporal-codec.routes.ts';
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
import { type Config, publicUrl } from '../platform/config.ts';
import type { Db } from '../db/connection.ts';
import type { Logger } from '../platform/logger.ts';
import { adminUiDist } from '../platform/paths.ts';
import { registerErrorHandling } from './problems.ts';
import { citizenPage } from './citizen-page/plugin.ts';
import { redactedRequest } from './request-log.ts';
import { citizenLinkKeys, workflowIdKey } from '../platform/citizen-link-secret.ts';
import { auditKeys } from '../platform/audit-keys.ts';
import { startAuditSealer } from '../services/audit-sealer.ts';
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
import { erasureRoutes } from './routes/erasure.routes.ts';
import { municipalitiesRoutes } from './routes/municipalities.routes.ts';
import { officesRoutes } from './routes/offices.routes.ts';
import { surveyAnswersRoutes } from './routes/survey-answers.routes.ts';
import { messagesRoutes } from './routes/messages.routes.ts';
import { messageTemplatesRoutes } from './routes/message-templates.routes.ts';
import { usersRoutes } from './routes/users.routes.ts';
import { sessionRoutes } from './routes/session.routes.ts';
import { tasksRoutes } from './routes/tasks.routes.ts';
import { ctiRoutes } from './routes/cti.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { CaseWorkerPresence } from '../services/case-workers.ts';
import { knowledgeRoutes } from './routes/knowledge.routes.ts';
import { kpiRoutes } from './routes/kpi.routes.ts';
import { referenceRoutes } from './routes/reference.routes.ts';
import { lettersRoutes } from './routes/letters.routes.ts';
import { smsReportsRoutes } from './routes/sms-reports.routes.ts';
import { stuckCasesRoutes } from './routes/stuck-cases.routes.ts';
import { registerTextGuard } from './text-guard.ts';
import { totalExactHeader } from '../contracts/list-query.ts';

export interface AppDeps {
  config: Pick<
    Config,
    | 'NODE_ENV'
    | 'BODY_LIMIT_BYTES'
    | 'CASE_TASK_QUEUE'
    | 'TELEPHONY_TASK_QUEUE'
    | 'CASE_UPDATE_TIMEOUT_SECONDS'
    | 'SESSION_TTL_HOURS'
    | 'SESSION_COOKIE_SECURE'
    | 'LOGIN_ATTEMPTS_PER_MINUTE'
    | 'RATE_LIMIT_PER_MINUTE'
    | 'CORS_ORIGINS'
    | 'TEMPORAL_UI_URL'
    | 'TEMPORAL_NAMESPACE'
    | 'SMS_REPORTS_SECRET'
    | 'PUBLIC_URL'
    | 'OPEN311_CONTACT'
    | 'OPEN311_KEY_SERVICE'
    | 'CITIZEN_LINK_SECRET'
    | 'CITIZEN_LINK_DAYS_AFTER_CLOSURE'
    | 'CITIZEN_PAGE_REQUESTS_PER_MINUTE'
    | 'DATA_DIR'
    | 'AUDIT_SIGNING_KEY'
    | 'AUDIT_ANCHOR_DIR'
    | 'AUDIT_SEAL_INTERVAL_MS'
    | 'PAYLOAD_MASTER_KEY'
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
  // A list's total and a 429's wait are headers: a page on an allowed origin must be let to read them.
  if (config.CORS_ORIGINS.length)
    await app.register(fastifyCors, {
      origin: config.CORS_ORIGINS,
      credentials: true,
      exposedHeaders: ['Content-Range', totalExactHeader, 'Retry-After'],
    });
  await registerAccessControl(app, db);
  await app.register(fastifyRateLimit, {
    // Per caller, not per address: a front office's operators share one NAT address. An API key
    // may have its own limit; anonymous callers are counted by address.
    max: (req) => req.principal?.rateLimitPerMinute ?? config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    hook: 'preHandler',
    keyGenerator: (req) => (req.principal ? `principal:${req.principal.id}` : `ip:${req.ip}`),
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

  const caseWorkers = new CaseWorkerPresence(temporal, config.CASE_TASK_QUEUE);
  await app.register(healthRoutes, { db, temporal, caseWorkers });
  // The API seals the audit trail: appends (here and in the case worker) take no shared lock, and
  // each replica's sealer takes its turn per chain.
  const audit = auditKeys(config);
  const sealer = startAuditSealer(db, audit, config.AUDIT_SEAL_INTERVAL_MS, logger);
  app.addHook('onClose', () => sealer.stop());
  const caseDeps = {
    db,
    temporal,
    caseWorkers,
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
        secureCookie: config.SESSION_COOKIE_SECURE,
        loginAttemptsPerMinute: config.LOGIN_ATTEMPTS_PER_MINUTE,
        temporalUiUrl: config.TEMPORAL_UI_URL
          ? `${config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows`
          : null,
      });
      await api.register(auditRoutes, { db, keys: audit });
      await api.register(apiKeysRoutes, { db });
      await api.register(ctiRoutes, { ...caseDeps, logger, workflowIdKey: workflowIdKey(citizenLinkKeys(config).secret) });
      await api.register(stuckCasesRoutes, { db, temporal });
      await api.register(smsReportsRoutes, { db, secret: config.SMS_REPORTS_SECRET });
      await api.register(citizenLinksRoutes, { db, keys: citizenLinkKeys(config) });
      await api.register(messageTemplatesRoutes, { db, publicUrl: publicUrl(config) });
      const cipher = new PayloadCipher(db, payloadMasterKey(config));
      await api.register(temporalCodecRoutes, { db, cipher });
      await api.register(erasureRoutes, { db, temporal, cipher, workflowIdKey: workflowIdKey(citizenLinkKeys(config).secret) });
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
