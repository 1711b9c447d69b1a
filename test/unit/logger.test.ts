import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggedError } from '../../platform/logger.ts';

/** A unique violation as PostgreSQL reports it: the duplicate value only in `detail`. */
function uniqueViolation(): Error {
  const err = new pg.DatabaseError('duplicate key value violates unique constraint "citizens_phone_key"', 0, 'error');
  Object.assign(err, {
    code: '23505',
    detail: 'Key (phone)=(+393401112233) already exists.',
    table: 'citizens',
    constraint: 'citizens_phone_key',
    where: 'SQL statement "insert into citizens values (\'+393401112233\')"',
  });
  return err;
}

describe('errors in the logs', () => {
  it('keep what went wrong and drop the values PostgreSQL quotes, also as the cause of another error', () => {
    const lines: string[] = [];
    const out = new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) });
    const log = pino({ serializers: { err: loggedError, error: loggedError } }, out);
    // Temporal's worker logs a failed activity's error under `error`.
    log.warn({ error: uniqueViolation() }, 'Activity failed');
    log.error({ err: new Error('read model not written', { cause: uniqueViolation() }) }, 'failed');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toContain('citizens_phone_key');
      expect(line).toContain('23505');
      expect(line).not.toContain('3401112233');
    }
  });
});
