import type { Transaction } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { Database, Executor } from '../db/database.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { idTaken, type ReferenceTable } from '../db/reference.repository.ts';
import { type Principal, serves } from '../domain/principal.ts';
import { alreadyExists, ApiError, notFound } from './errors.ts';
import { createOnce } from './idempotency.ts';

/**
 * What the administration use cases share: who makes a change (for its audit record), the rule that
 * an administrator grants only what they serve, and the create and change of a record of reference
 * data (municipalities, offices, calendars, staff accounts) in one transaction with its audit record.
 */

/** Who makes a change, and in which request. */
export interface Change {
  principal: Principal;
  requestId: string;
}

/** The fields of an audit record that name who made the change. */
export const auditedBy = ({ principal, requestId }: Change) => ({ actor: principal.id, role: principal.role, requestId });

/**
 * Creating or granting something for municipalities the caller does not serve: a 403 naming the
 * field (`body.municipalities.1` for a list).
 */
export function assertServes(principal: Principal, municipalities: string | readonly string[], path: string): void {
  const list = typeof municipalities === 'string' ? [municipalities] : municipalities;
  const outside = list.findIndex((m) => !serves(principal, m));
  if (outside < 0) return;
  throw new ApiError('forbidden', 'you do not serve this municipality', [
    {
      path: typeof municipalities === 'string' ? path : `${path}.${outside}`,
      message: `you do not serve "${list[outside]}"`,
    },
  ]);
}

/** A kind of reference data, as its errors, audit records and Idempotency-Key scope name it. */
export interface ReferenceKind<R> {
  /** The API collection (`offices`): creates claim their keys in the scope `offices.create`. */
  collection: string;
  table: ReferenceTable;
  /** How errors name a record: `office mi-tributi was not found`. */
  noun: string;
  /** The audit target type (`office`), and the prefix of its actions (`office.created`). */
  targetType: string;
  /** The record, if it is in the caller's scope. */
  find: (db: Executor, id: string, p: Principal) => Promise<R | undefined>;
  /** The audit chain a record's changes go to: its municipality, or null for a record of several. */
  chainOf: (record: R) => string | null;
}

/** A record in the caller's scope, or a 404 (the same as for one that does not exist). */
export async function getRecord<R>(db: Executor, kind: ReferenceKind<R>, id: string, p: Principal): Promise<R> {
  const found = await kind.find(db, id, p);
  if (!found) throw notFound(`${kind.noun} ${id}`);
  return found;
}

/**
 * Creates a record once per Idempotency-Key: its id must be free in the whole table, then `insert`
 * checks what is particular to the kind and writes it; its audit record is written with it.
 * Returns the id of the record, new or earlier, and whether this request created it.
 */
export async function createRecord<R>(
  db: Db,
  kind: ReferenceKind<R>,
  input: { id: string },
  idempotencyKey: string | undefined,
  change: Change,
  insert: (trx: Transaction<Database>) => Promise<R>,
): Promise<{ id: string; created: boolean }> {
  return createOnce(db, `${kind.collection}.create`, idempotencyKey, input, input.id, async (trx) => {
    if (await idTaken(trx, kind.table, input.id)) throw alreadyExists(`${kind.noun} ${input.id}`, 'body.id');
    const after = await insert(trx);
    await appendAudit(trx, {
      ...auditedBy(change),
      municipalityId: kind.chainOf(after),
      action: `${kind.targetType}.created`,
      targetType: kind.targetType,
      targetId: input.id,
      after,
    });
  });
}

/**
 * Changes a record of the caller's scope (`verb`: `updated`, `disabled`...) in one transaction with
 * its audit record, which keeps digests of the record before and after.
 */
export async function changeRecord<R extends { id: string }>(
  db: Db,
  kind: ReferenceKind<R>,
  id: string,
  change: Change,
  verb: string,
  apply: (trx: Transaction<Database>, before: R) => Promise<R>,
): Promise<R> {
  return db.transaction().execute(async (trx) => {
    const before = await getRecord(trx, kind, id, change.principal);
    const after = await apply(trx, before);
    await appendAudit(trx, {
      ...auditedBy(change),
      municipalityId: kind.chainOf(before),
      action: `${kind.targetType}.${verb}`,
      targetType: kind.targetType,
      targetId: before.id,
      before,
      after,
    });
    return after;
  });
}
