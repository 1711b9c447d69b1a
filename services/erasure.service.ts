import type { Client } from '@temporalio/client';
import { appendAudit, digest } from '../db/audit.repository.ts';
import { lockIdentifiers } from '../db/citizens.repository.ts';
import type { Db } from '../db/connection.ts';
import type { Executor } from '../db/database.ts';
import {
  anonymiseCalls,
  anonymiseCases,
  anonymiseMessages,
  callsOfCases,
  callsOfPerson,
  caseRowsForAnonymising,
  casesOfPerson,
  casesPastRetention,
  citizenRowsForErasure,
  allLineIds,
  callCallers,
  destroyCallbackKeys,
  eraseCitizenRecords,
  recordsOfPerson,
  unlinkCases,
} from '../db/erasure.repository.ts';
import { activeHoldsOn } from '../db/legal-holds.repository.ts';
import type { Citizen } from '../domain/case.ts';
import { normaliseEmail, normalisePhone, phoneVariants } from '../domain/citizen-identity.ts';
import type { Principal } from '../domain/principal.ts';
import { emptyPersonalData, mergePersonalData, type PersonalData, redactor } from '../domain/redaction.ts';
import type { Erasure, RetentionRun } from '../contracts/erasure.ts';
import { ApiError, notFound } from './errors.ts';
import { abandonedCallbackWorkflowId } from './callback-workflow-id.ts';
import { underLegalHold } from './legal-holds.service.ts';

/** Where erasure says what it could not finish (nothing personal). */
interface WarnLog {
  warn: (obj: object, msg: string) => void;
}

/** What a case's citizen snapshot says about the person. */
function personalDataOf(c: Partial<Citizen> | null | undefined): PersonalData {
  const phone = c?.phone ? (normalisePhone(c.phone) ?? c.phone) : null;
  return {
    names: c?.name ? [c.name] : [],
    phones: phone ? phoneVariants(phone) : [],
    emails: c?.email ? [normaliseEmail(c.email) ?? c.email] : [],
    fiscalCodes: c?.fiscalCode ? [c.fiscalCode.toUpperCase()] : [],
    addresses: c?.address ? [c.address] : [],
  };
}

/**
 * The right to erasure (GDPR art. 17): removes a citizen from everywhere the platform holds them, in
 * one transaction — the registry record (and those merged into it) emptied but for its id, every
 * case of theirs anonymised (the citizen snapshot emptied, their name, numbers, e-mails, fiscal
 * code and address redacted from every free text, files emptied, page links revoked), their calls
 * and the messages sent to them redacted, and the Temporal payload keys of their cases and of the
 * callbacks to their numbers destroyed, so the workflow histories can never be decoded again
 * (crypto-shredding). The callback workflows are deleted from Temporal after the commit when a
 * client is given (ids from before the keyed ones carried the number).
 *
 * Refused (409 `case_open`) while a case of the citizen still runs — its workflow would need the
 * key it is about to lose, and an open request is still being handled: close or withdraw it first
 * (art. 17(3) lets the municipality finish what it is legally bound to). Refused (409 `legal_hold`)
 * under a legal hold of the citizen or of any of their cases. The audit trail records the erasure
 * by digests only, as every record, so the chain still verifies.
 */
export async function eraseCitizen(
  db: Db,
  temporal: Client | undefined,
  p: Principal,
  citizenId: string,
  reason: string,
  opts: {
    /** What the callback workflows' ids are keyed with (platform/citizen-link-secret.ts `workflowIdKey`). */
    workflowIdKey: Buffer;
    requestId?: string | null;
    log?: WarnLog;
    /** Told the payload keys destroyed, so this process's codec forgets them at once (others within its cache time). */
    forgetKeys?: (ids: string[]) => void;
  },
): Promise<Erasure> {
  const { requestId = null, log } = opts;
  const at = new Date();
  const { result, callbacks } = await db.transaction().execute(async (trx) => {
    const [record] = await citizenRowsForErasure(trx, [citizenId]);
    if (!record || !p.municipalities.includes(record.municipality_id)) throw notFound(`citizen ${citizenId}`);
    if (record.merged_into) {
      throw new ApiError('conflict', `citizen ${citizenId} was merged into ${record.merged_into}: erase that record`, [
        { path: 'params.id', message: `merged into ${record.merged_into}` },
      ]);
    }
    if (record.erased_at) throw new ApiError('conflict', `citizen ${citizenId} was erased already`);
    const ids = await recordsOfPerson(trx, citizenId);
    const records = await citizenRowsForErasure(trx, ids);
    const m = record.municipality_id;
    const fromRecords = mergePersonalData(
      ...records.map((r) => ({
        names: r.name ? [r.name] : [],
        phones: r.phones.flatMap(phoneVariants),
        emails: r.emails,
        fiscalCodes: r.fiscal_code ? [r.fiscal_code] : [],
        addresses: r.address ? [r.address] : [],
      })),
    );
    await lockIdentifiers(trx, m, {
      phones: records.flatMap((r) => r.phones),
      emails: fromRecords.emails,
      fiscalCode: records.find((r) => r.fiscal_code)?.fiscal_code ?? null,
    });
    const cases = await casesOfPerson(trx, {
      citizenIds: ids,
      municipalityId: m,
      phones: fromRecords.phones,
      emails: fromRecords.emails,
      fiscalCodes: fromRecords.fiscalCodes,
    });
    const caseIds = cases.map((c) => c.id);
    const holds = await activeHoldsOn(trx, { citizenIds: ids, caseIds });
    if (holds.length) throw underLegalHold(holds);
    const running = cases.filter((c) => c.status !== 'resolved' || !c.closed);
    if (running.length) {
      throw new ApiError(
        'case_open',
        'the citizen has cases that are not closed: close or withdraw them first',
        running.map((c) => ({ path: `cases.${c.id}`, message: c.status === 'open' ? 'open' : 'resolved, its workflow still running' })),
      );
    }
    const person = mergePersonalData(fromRecords, ...cases.map((c) => personalDataOf(c.citizen)));
    const redact = redactor(person);
    // The audit record first: the erasure exists exactly when its record does. Digests only.
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      requestId,
      municipalityId: m,
      action: 'citizen.erased',
      targetType: 'citizen',
      targetId: citizenId,
      before: { records: ids, digest: digest(records) },
      after: { reason, cases: caseIds, at: at.toISOString() },
      at,
    });
    for (const id of caseIds) {
      await appendAudit(trx, {
        actor: p.id,
        role: p.role,
        requestId,
        municipalityId: m,
        action: 'case.anonymised',
        targetType: 'case',
        targetId: id,
        after: { erasure: citizenId },
        at,
      });
    }
    const changed = await anonymiseCases(trx, caseIds, redact, p.id, at);
    const callIds = [
      ...new Set([
        ...(await callsOfCases(trx, caseIds)),
        ...(await callsOfPerson(trx, { citizenIds: ids, municipalityId: m, numbers: person.phones })),
      ]),
    ];
    // The callbacks' ids are keyed hashes of line, number and day: computed again before the numbers go.
    const lines = await allLineIds(trx);
    const callbackIds = (await callCallers(trx, callIds)).flatMap((c) =>
      [c.started_at, c.ended_at ?? c.started_at].flatMap((t) =>
        lines.map((line) => abandonedCallbackWorkflowId(opts.workflowIdKey, line, c.caller, t.getTime())),
      ),
    );
    const calls = await anonymiseCalls(trx, callIds, redact);
    const messages =
      changed.messages +
      (await anonymiseMessages(trx, { recipients: [...person.phones, ...person.emails, ...person.fiscalCodes] }, redact));
    const callbacks = await destroyCallbackKeys(trx, { ids: [...new Set(callbackIds)], numbers: person.phones });
    await eraseCitizenRecords(trx, ids, at);
    return {
      callbacks,
      result: {
        citizenId,
        records: ids,
        erasedAt: at.toISOString(),
        cases: caseIds,
        calls,
        messages,
        attachments: changed.attachments,
        payloadKeys: changed.payloadKeys + callbacks.length,
      } satisfies Erasure,
    };
  });
  opts.forgetKeys?.([...result.cases, ...callbacks]);
  if (temporal) await deleteExecutions(temporal, callbacks, log);
  return result;
}

/** Workflow executions whose ids carry personal data, deleted from Temporal (their payloads are unreadable already). */
async function deleteExecutions(temporal: Client, workflowIds: string[], log?: WarnLog): Promise<void> {
  for (const workflowId of workflowIds) {
    try {
      await temporal.workflowService.deleteWorkflowExecution({ namespace: temporal.options.namespace, workflowExecution: { workflowId } });
    } catch (err) {
      // Gone already, or Temporal is down: the key is destroyed either way; the id ages out with the namespace's retention.
      log?.warn({ err: (err as Error).message }, 'a callback workflow of an erased citizen could not be deleted');
    }
  }
}

/** The retention's actor in the audit trail. */
export const retentionActor = 'system:retention';

/**
 * Anonymises one case at the end of its retention, as erasure does a citizen's cases: the citizen's
 * data (the case's snapshot and the registry record it is linked to) redacted from the case and
 * what hangs on it, its calls, its Temporal key destroyed, and the case unlinked from the registry
 * (the person may have other cases, which keep theirs). Audited per case. Skips (false) a case
 * anonymised already or put under a hold meanwhile.
 */
async function anonymiseExpiredCase(db: Db, caseId: string, at: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const [c] = await trx.selectFrom('cases').select(['id', 'anonymised_at', 'citizen_id']).where('id', '=', caseId).forUpdate().execute();
    if (!c || c.anonymised_at) return false;
    if ((await activeHoldsOn(trx, { citizenIds: c.citizen_id ? [c.citizen_id] : [], caseIds: [caseId] })).length) return false;
    const [row] = await caseRowsForAnonymising(trx, [caseId]);
    const person = mergePersonalData(personalDataOf(row!.citizen), await registryData(trx, c.citizen_id));
    await appendAudit(trx, {
      actor: retentionActor,
      role: null,
      municipalityId: row!.municipality_id,
      action: 'case.anonymised',
      targetType: 'case',
      targetId: caseId,
      after: { retention: at.toISOString() },
    });
    const redact = redactor(person);
    await anonymiseCases(trx, [caseId], redact, retentionActor, new Date());
    await anonymiseCalls(trx, await callsOfCases(trx, [caseId]), redact);
    await unlinkCases(trx, [caseId]);
    return true;
  });
}

async function registryData(db: Executor, citizenId: string | null): Promise<PersonalData> {
  if (!citizenId) return emptyPersonalData();
  const [r] = await db
    .selectFrom('citizens')
    .select(['name', 'phones', 'emails', 'fiscal_code', 'address'])
    .where('id', '=', citizenId)
    .execute();
  if (!r) return emptyPersonalData();
  return {
    names: r.name ? [r.name] : [],
    phones: r.phones.flatMap(phoneVariants),
    emails: r.emails,
    fiscalCodes: r.fiscal_code ? [r.fiscal_code] : [],
    addresses: r.address ? [r.address] : [],
  };
}

/** One run of the retention at `at`: up to `limit` closed cases past their service's retention anonymised. */
export async function applyRetention(db: Db, at: Date, limit = 200): Promise<RetentionRun> {
  const due = await casesPastRetention(db, at, limit);
  const anonymised: string[] = [];
  for (const id of due) if (await anonymiseExpiredCase(db, id, at)) anonymised.push(id);
  return { anonymised, more: due.length === limit };
}
