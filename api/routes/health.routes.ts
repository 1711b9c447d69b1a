import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/connection.ts';
import { HealthSchema, ReadinessSchema } from '../../contracts/health.ts';
import type { CaseWorkerPresence } from '../../services/case-workers.ts';
import { readiness } from '../../services/health.service.ts';

// /health: the process is up (liveness). /ready: it can serve, its PostgreSQL and Temporal answer.
// /ready also says whether a case worker polls: without one, every case action waits for its deadline.
export const healthRoutes: FastifyPluginAsyncZod<{ db: Db; temporal: Client; caseWorkers: CaseWorkerPresence }> = async (
  app,
  { db, temporal, caseWorkers },
) => {
  app.get('/health', { schema: { operationId: 'health', tags: ['operations'], response: { 200: HealthSchema } } }, async () => ({
    status: 'ok' as const,
  }));
  app.get(
    '/ready',
    { schema: { operationId: 'ready', tags: ['operations'], response: { 200: ReadinessSchema, 503: ReadinessSchema } } },
    async (_req, reply) => {
      const ready = await readiness(db, temporal, caseWorkers);
      return reply.status(ready.status === 'ok' ? 200 : 503).send(ready);
    },
  );
};
