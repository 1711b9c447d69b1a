import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dependencyDown } from '../../services/dependency-errors.ts';

describe('dependencyDown', () => {
  it('recognises a PostgreSQL that refuses connections, as pg throws it', async () => {
    // Port 1 on loopback: nothing listens, the kernel refuses at once.
    const client = new pg.Client({ connectionString: 'postgres://x:y@127.0.0.1:1/z' });
    const err = await client.connect().catch((e: unknown) => e);
    expect(dependencyDown(err)).not.toBeNull();
  });

  it('recognises a server shutting down and lost connections by SQLSTATE and message', () => {
    expect(dependencyDown(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(
      'PostgreSQL',
    );
    expect(dependencyDown(new Error('Connection terminated unexpectedly'))).toBe('PostgreSQL');
    expect(dependencyDown(new Error('outer', { cause: Object.assign(new Error('x'), { code: '08006' }) }))).toBe('PostgreSQL');
  });

  it('recognises an unavailable Temporal, and not a refusal by Temporal', () => {
    const unavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: '', metadata: {} });
    const notFound = Object.assign(new Error('5 NOT_FOUND'), { code: 5, details: '', metadata: {} });
    const serviceError = (cause: Error) => Object.assign(new Error('Failed'), { name: 'ServiceError', cause });
    expect(dependencyDown(serviceError(unavailable))).toBe('Temporal');
    expect(dependencyDown(serviceError(notFound))).toBeNull();
  });

  it('leaves bugs alone', () => {
    expect(dependencyDown(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeNull();
    expect(dependencyDown(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
    expect(dependencyDown(null)).toBeNull();
  });
});
