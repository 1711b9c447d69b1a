import { z } from 'zod';

/** A create request's Idempotency-Key: the same key and body again answer with what the first one created. */
export const IdempotencyHeadersSchema = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });
