import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditLogTable } from './database.ts';

/*
 * How audit records and batch heads are hashed: one place, read by the appender, the sealer and
 * the verifier alike.
 */
export const genesis = '0'.repeat(64);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** JSON with object keys sorted, so equal values always hash alike. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
export const digest = (value: unknown) => (value === undefined ? null : sha256(canonical(value)));

/** What a record's leaf hash covers: everything but its id and the position the sealer gives it. */
export type RecordContent = Omit<Selectable<AuditLogTable>, 'id' | 'seq' | 'batch' | 'prev_hash' | 'hash'>;

/**
 * A record's leaf. Records of the old hash chain (before batches, with `prev_hash`) keep the hash
 * they were given then, over their content, their seq and the previous record's hash.
 */
export function leafHash(r: RecordContent & { seq: number | null; prev_hash: string | null }): string {
  const content: RecordContent = {
    chain: r.chain,
    at: r.at,
    actor: r.actor,
    role: r.role,
    municipality_id: r.municipality_id,
    action: r.action,
    target_type: r.target_type,
    target_id: r.target_id,
    request_id: r.request_id,
    before_digest: r.before_digest,
    after_digest: r.after_digest,
  };
  if (r.prev_hash !== null) return sha256(`${r.prev_hash}\n${canonical({ ...content, seq: r.seq })}`);
  return sha256(`sportello-audit-record\n${canonical(content)}`);
}

/** What a batch head covers: the previous head, the batch's Merkle root, its range and when it was sealed. */
export interface BatchFields {
  chain: string;
  batch: number;
  firstSeq: number;
  lastSeq: number;
  root: string;
  prevHead: string;
  sealedAt: Date;
}
export const batchHead = (b: BatchFields): string => sha256(`sportello-audit-batch\n${canonical(b)}`);
