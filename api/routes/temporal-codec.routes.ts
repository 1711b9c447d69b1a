import type { Payload } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CodecPayloadsSchema, type CodecPayloads } from '../../contracts/temporal-codec.ts';
import type { Db } from '../../db/connection.ts';
import { can } from '../../domain/principal.ts';
import type { PayloadCipher } from '../../services/payload-codec.ts';
import { decodeForStaff } from '../../services/temporal-payloads.service.ts';
import { principalOf } from '../auth/principal.ts';
import { problems } from '../problems.ts';

const fromJson = (p: CodecPayloads['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/**
 * Temporal's codec-server contract, for the Temporal CLI and UI of those allowed to read what the
 * cases' workflows hold: `temporal workflow show --codec-endpoint <API>/api/temporal-codec
 * --codec-auth 'Bearer <API key of an auditor>'` (docs/privacy.md).
 */
export const temporalCodecRoutes: FastifyPluginAsyncZod<{ db: Db; cipher: PayloadCipher }> = async (app, { db, cipher }) => {
  app.post(
    '/temporal-codec/decode',
    {
      config: { access: can.audit },
      schema: {
        operationId: 'decodeTemporalPayloads',
        tags: ['audit'],
        summary:
          "Decrypts Temporal payloads of your municipalities' cases (Temporal's codec-server contract); others come back as they are. Audited per case.",
        body: CodecPayloadsSchema,
        response: { 200: CodecPayloadsSchema, ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const decoded = await decodeForStaff(db, cipher, req.body.payloads.map(fromJson), {
        principal: principalOf(req),
        requestId: req.id,
      });
      return { payloads: decoded.map(toJson) };
    },
  );
};
