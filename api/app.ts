import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { adminUiDist } from '../platform/paths.ts';
import { ApiError, registerErrorHandling } from './errors.ts';
import { type Open311Deps, open311Routes } from './open311/routes.ts';
import { casesRoutes } from './routes/cases.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { referenceRoutes } from './routes/reference.routes.ts';

export interface AppDeps {
  config: Pick<Config, 'BODY_LIMIT_BYTES' | 'CASE_TASK_QUEUE' | 'TELEPHONY_TASK_QUEUE' | 'CASE_UPDATE_TIMEOUT_SECONDS'>;
  db: Db;
  temporal: Client;
  logger: Logger;
  /** Who an Open311 api_key belongs to; without it every key is refused (the GETs stay public). */
  authenticateApiKey?: Open311Deps['authenticateApiKey'];
}

export async function buildApp({ config, db, temporal, logger, authenticateApiKey = async () => null }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: config.BODY_LIMIT_BYTES })
    .withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Sportello API', version: '0.1.0', description: 'Back office of a citizen contact centre.' },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { db, temporal });
  const caseDeps = {
    db, temporal, taskQueue: config.CASE_TASK_QUEUE, telephonyTaskQueue: config.TELEPHONY_TASK_QUEUE,
    updateTimeoutMs: config.CASE_UPDATE_TIMEOUT_SECONDS * 1000,
  };
  await app.register(async (api) => {
    await api.register(casesRoutes, caseDeps);
    await api.register(referenceRoutes, { db });
  }, { prefix: '/api' });
  await app.register(open311Routes, { ...caseDeps, authenticateApiKey, prefix: '/open311/v2' });

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
