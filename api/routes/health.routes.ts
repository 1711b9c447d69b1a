import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { HealthSchema, ReadinessSchema } from '../../contracts/health.ts';
import { readiness } from '../../services/health.service.ts';

// /health: the process is up (liveness). /ready: it can serve, its PostgreSQL and Temporal answer.
export const healthRoutes: FastifyPluginAsyncZod<{ db: Db; temporal: Client }> = async (app, { db, temporal }) => {
  app.get('/health', { schema: { operationId: 'health', tags: ['operations'], response: { 200: HealthSchema } } }, async () => ({
    status: 'ok' as const,
  }));
  app.get(
    '/ready',
    { schema: { operationId: 'ready', tags: ['operations'], response: { 200: ReadinessSchema, 503: ReadinessSchema } } },
    async (_req, reply) => {
      const ready = await readiness(db, temporal);
      return reply.status(ready.status === 'ok' ? 200 : 503).send(ready);
    },
  );
};
