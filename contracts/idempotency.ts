import { z } from 'zod';

/** The header every creating POST accepts: a repeated request with the same key and body creates nothing new. */
export const IdempotencyHeadersSchema = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });
