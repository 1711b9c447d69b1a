import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Db, pingDb } from '../../db/connection.ts';

const CheckSchema = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()) });

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out after 3s')), 3000); })]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

// /health: the process is up (liveness). /ready: it can serve, its PostgreSQL and Temporal answer.
export const healthRoutes: FastifyPluginAsyncZod<{ db: Db; temporal: Client }> = async (app, { db, temporal }) => {
  app.get('/health', { schema: { operationId: 'health', tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }));
  app.get('/ready', { schema: { operationId: 'ready', tags: ['operations'], response: { 200: CheckSchema, 503: CheckSchema } } },
    async (_req, reply) => {
      const [postgres, temporalCheck] = await Promise.all([
        check(() => pingDb(db)),
        check(() => temporal.connection.workflowService.getSystemInfo({})),
      ]);
      const ok = postgres === 'ok' && temporalCheck === 'ok';
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: { postgres, temporal: temporalCheck } });
    });
};
