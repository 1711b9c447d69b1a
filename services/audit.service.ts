import type { Db } from '../db/connection.ts';
import { listAuditRecords, verifyAudit } from '../db/audit.repository.ts';
import type { Page } from '../domain/page.ts';
import type { Principal } from '../domain/principal.ts';
import type { AuditListQuery, AuditRecord, AuditVerification } from '../contracts/audit.ts';

/** One page of the audit records of the municipalities the caller serves, and of those of none (logins, API keys). */
export async function listAudit(db: Db, p: Principal, query: AuditListQuery, page: Page): Promise<{ rows: AuditRecord[]; total: number }> {
  const { from, to, ...f } = query.filter ?? {};
  const filter = { ...f, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
  return listAuditRecords(db, p.municipalities, filter, query.sort?.[1] === 'ASC' ? 'asc' : 'desc', page);
}

/** Recomputes the hash chains of the municipalities the caller serves, and the '*' chain. */
export const verifyAuditOf = (db: Db, p: Principal): Promise<AuditVerification> => verifyAudit(db, ['*', ...p.municipalities]);
