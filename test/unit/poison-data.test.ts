import { ApplicationFailure } from '@temporalio/common';
import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { classifyDatabaseError, poisonFailure, refusingPoison } from '../../activities/poison-data.ts';

/** An error as `pg` raises it: PostgreSQL's message and detail quote the refused value. */
function pgError(code: string, fields: Partial<Pick<DatabaseError, 'table' | 'constraint' | 'column' | 'detail'>> = {}) {
  const err = new DatabaseError(`refused "Mario Rossi +393401112233"`, 100, 'error');
  return Object.assign(err, { code, ...fields });
}

describe('which database errors no retry can help', () => {
  it.each([
    ['22021', 'invalid byte sequence (a NUL)'],
    ['22P05', 'untranslatable character'],
    ['22001', 'value too long'],
    ['23505', 'unique violation'],
    ['23514', 'check violation'],
    ['23503', 'foreign key violation'],
    ['23502', 'not null violation'],
  ])('%s (%s) is poison', (code) => {
    expect(classifyDatabaseError(pgError(code))).toEqual({ sqlState: code, table: null, constraint: null, column: null });
  });

  it.each([
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
    ['57P01', 'admin shutdown'],
    ['08006', 'connection failure'],
    ['53300', 'too many connections'],
    ['42P01', 'undefined table (a migration not yet run)'],
  ])('%s (%s) is retried', (code) => {
    expect(classifyDatabaseError(pgError(code))).toBeUndefined();
    expect(poisonFailure('recordCaseEvent', pgError(code))).toBeUndefined();
  });

  it('errors that are no database refusal are retried', () => {
    for (const err of [new Error('connect ECONNREFUSED'), Object.assign(new Error('x'), { code: 'ECONNRESET' }), null, 'text', 42])
      expect(classifyDatabaseError(err)).toBeUndefined();
  });
});

describe('the failure a poison write becomes', () => {
  it('is non-retryable PoisonData naming the SQLSTATE, table, column and constraint, never the value', () => {
    const err = pgError('23514', {
      table: 'cases',
      constraint: 'cases_subject_check',
      detail: 'Failing row contains (C-2026-000001, Mario Rossi, +393401112233).',
    });
    const failure = poisonFailure('recordCaseEvent', err)!;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('PoisonData');
    expect(failure.message).toBe(
      'recordCaseEvent: PostgreSQL refused the write for good (SQLSTATE 23514, check violation; table cases, constraint cases_subject_check)',
    );
    expect(failure.details).toEqual([{ sqlState: '23514', table: 'cases', constraint: 'cases_subject_check', column: null }]);
    expect(failure.cause).toBeUndefined();
    expect(JSON.stringify({ message: failure.message, details: failure.details, stack: failure.stack })).not.toMatch(/Rossi|3401112233/);
  });

  it('without failFast (workflows from before the stuck-cases patch) it is the same failure, retryable', () => {
    const failure = poisonFailure('recordCaseEvent', pgError('22021'), { failFast: false })!;
    expect(failure).toMatchObject({ type: 'PoisonData', nonRetryable: false });
    expect(failure.message).not.toContain('Rossi');
  });

  it('a class without a name of its own is named by its class', () => {
    expect(poisonFailure('recordCaseEvent', pgError('22012'))!.message).toContain('SQLSTATE 22012, class 22');
  });

  it('refusingPoison passes results and transient errors through, and turns poison into the failure', async () => {
    await expect(refusingPoison('w', async () => 7)).resolves.toBe(7);
    const transient = pgError('40001');
    await expect(refusingPoison('w', () => Promise.reject(transient))).rejects.toBe(transient);
    await expect(refusingPoison('w', () => Promise.reject(pgError('22021', { column: 'subject' })))).rejects.toMatchObject({
      type: 'PoisonData',
      nonRetryable: true,
      message: expect.stringContaining('SQLSTATE 22021, invalid byte sequence; column subject'),
    });
  });
});
