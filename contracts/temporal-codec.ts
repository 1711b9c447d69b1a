import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/** A Temporal payload in the JSON form of Temporal's codec-server contract: bytes as base64. */
export const CodecPayloadSchema = z
  .object({ metadata: z.record(z.string(), base64).default({}), data: base64.default('') })
  .meta({ id: 'CodecPayload' });

export const CodecPayloadsSchema = z.object({ payloads: CodecPayloadSchema.array().max(1000) }).meta({ id: 'CodecPayloads' });
export type CodecPayloads = z.infer<typeof CodecPayloadsSchema>;
