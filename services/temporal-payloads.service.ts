import type { Payload } from '@temporalio/common';
import type { Db } from '../db/connection.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { serves, type Principal } from '../domain/principal.ts';
import { isEncrypted, keyIdOf, PayloadKeyDestroyed, type PayloadCipher } from './payload-codec.ts';

/**
 * The codec endpoint's work (Temporal's "codec server" contract): decrypts, for an auditor or an
 * administrator, the payloads of the cases of their municipalities; anything else (another
 * municipality's case, a workflow that is not a case, an erased case) is given back as it came.
 * Reading personal data this way is recorded in the audit trail, one record per case.
 */
export async function decodeForStaff(
  db: Db,
  cipher: PayloadCipher,
  payloads: Payload[],
  { principal, requestId }: { principal: Principal; requestId: string },
): Promise<Payload[]> {
  const keyIds = [...new Set(payloads.filter(isEncrypted).map(keyIdOf))];
  const cases = keyIds.length ? await db.selectFrom('cases').select(['id', 'municipality_id']).where('id', 'in', keyIds).execute() : [];
  const readable = new Map(cases.filter((c) => serves(principal, c.municipality_id)).map((c) => [c.id, c.municipality_id]));
  const read = new Set<string>();
  const decoded = await Promise.all(
    payloads.map(async (p) => {
      const keyId = isEncrypted(p) ? keyIdOf(p) : null;
      if (keyId === null || !readable.has(keyId)) return p;
      try {
        const [plain] = await cipher.decode([p]);
        read.add(keyId);
        return plain!;
      } catch (err) {
        if (err instanceof PayloadKeyDestroyed) return p;
        throw err;
      }
    }),
  );
  if (read.size)
    await db.transaction().execute(async (trx) => {
      for (const caseId of read)
        await appendAudit(trx, {
          actor: principal.id,
          role: principal.role,
          municipalityId: readable.get(caseId)!,
          action: 'temporal.payloads.decoded',
          targetType: 'case',
          targetId: caseId,
          requestId,
        });
    });
  return decoded;
}
