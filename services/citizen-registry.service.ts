import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { appendAudit } from '../db/audit.repository.ts';
import {
  addToCitizen,
  caseCounts,
  type CitizenMergeRow,
  type CitizenRecordRow,
  citizenRecords,
  findCitizenRecord,
  findCitizensByIdentifiers,
  findMerge,
  insertCitizen,
  insertMerge,
  laterMergeOf,
  likelyDuplicatePairs,
  linkCallsOfNumbers,
  linkCaseToCitizen,
  lockIdentifiers,
  markMergeUndone,
  moveContacts,
  moveContactsBack,
  removeFromCitizen,
  setCitizenAddress,
  setMergedInto,
} from '../db/citizens.repository.ts';
import type { Db } from '../db/connection.ts';
import type { Database } from '../db/database.ts';
import { type CitizenIdentifiers, hasIdentifier, identifiersOf, normaliseName, phoneVariants } from '../domain/citizen-identity.ts';
import type { Citizen } from '../domain/case.ts';
import type { Principal } from '../domain/principal.ts';
import type { CitizenMerge, CitizenRecord, LikelyDuplicate, MergeCommand } from '../contracts/citizens.ts';
import { ApiError, notFound } from './errors.ts';

/** Who changes the registry, for its audit records. */
export interface RegistryActor {
  actor: string;
  role: string | null;
  requestId: string | null;
}

export function rowToCitizenRecord(r: CitizenRecordRow, cases?: number): CitizenRecord {
  return {
    id: r.id,
    municipalityId: r.municipality_id,
    name: r.name,
    phones: r.phones,
    emails: r.emails,
    fiscalCode: r.fiscal_code,
    address: r.address,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    ...(cases === undefined ? {} : { cases }),
  };
}

/** How well a record matches: a fiscal code names a person, an e-mail is usually one person's, a phone may be a family's. */
const strength = (r: CitizenRecordRow, q: CitizenIdentifiers) =>
  (q.fiscalCode !== null && r.fiscal_code === q.fiscalCode ? 4 : 0) +
  (r.emails.some((e) => q.emails.includes(e)) ? 2 : 0) +
  (r.phones.some((p) => q.phones.includes(p)) ? 1 : 0);

/**
 * Finds the citizen of a new case by any of its normalised identifiers, or creates them, adds the
 * identifiers the record lacks, and links the case — and the calls from their numbers that no
 * record had yet. Runs in the transaction that writes the case row (the case's single writer, so
 * every intake path — staff, telephony, e-mail, Open311 — is linked). Null when the case carries no
 * identifier. A record with another fiscal code is another person, whatever else they share.
 */
export async function linkCaseCitizen(
  trx: Transaction<Database>,
  c: { caseId: string; municipalityId: string; citizen: Citizen },
  by: RegistryActor,
): Promise<string | null> {
  const ids = identifiersOf(c.citizen);
  if (!hasIdentifier(ids)) return null;
  await lockIdentifiers(trx, c.municipalityId, ids);
  const candidates = (await findCitizensByIdentifiers(trx, [c.municipalityId], ids, true)).filter(
    (r) => ids.fiscalCode === null || r.fiscal_code === null || r.fiscal_code === ids.fiscalCode,
  );
  const best = candidates.reduce<CitizenRecordRow | undefined>((a, r) => (!a || strength(r, ids) > strength(a, ids) ? r : a), undefined);
  const name = c.citizen.name?.trim() || null;
  const nameKey = name ? normaliseName(name) : null;
  // A postal address is no identifier (a household shares one): the newest case's replaces the record's.
  const address = c.citizen.address?.trim() || null;
  let citizenId: string;
  if (best) {
    citizenId = best.id;
    const add = {
      phones: ids.phones.filter((p) => !best.phones.includes(p)),
      emails: ids.emails.filter((e) => !best.emails.includes(e)),
      fiscalCode: best.fiscal_code ? null : ids.fiscalCode,
      name: best.name ? null : name,
      nameKey: best.name ? null : nameKey,
    };
    const newAddress = address && address !== best.address ? address : null;
    if (add.phones.length || add.emails.length || add.fiscalCode || add.name || newAddress) {
      await addToCitizen(trx, citizenId, add);
      if (newAddress) await setCitizenAddress(trx, citizenId, newAddress);
      await appendAudit(trx, {
        ...by,
        municipalityId: c.municipalityId,
        action: 'citizen.updated',
        targetType: 'citizen',
        targetId: citizenId,
        before: rowToCitizenRecord(best),
        after: { added: add, ...(newAddress ? { address: newAddress } : {}), case: c.caseId },
      });
    }
  } else {
    citizenId = randomUUID();
    await insertCitizen(trx, { id: citizenId, municipalityId: c.municipalityId, name, nameKey, address, ...ids });
    await appendAudit(trx, {
      ...by,
      municipalityId: c.municipalityId,
      action: 'citizen.created',
      targetType: 'citizen',
      targetId: citizenId,
      after: { ...ids, name, address, case: c.caseId },
    });
  }
  await linkCaseToCitizen(trx, c.caseId, citizenId);
  await linkCallsOfNumbers(trx, c.municipalityId, ids.phones.flatMap(phoneVariants), citizenId);
  return citizenId;
}

const duplicatesShown = 200;

/** Pairs of records in the caller's municipalities that are likely one person, with why. */
export async function listLikelyDuplicates(db: Db, p: Principal): Promise<LikelyDuplicate[]> {
  const pairs = await likelyDuplicatePairs(db, p.municipalities, duplicatesShown);
  const ids = [...new Set(pairs.flatMap((x) => [x.a, x.b]))];
  const [records, counts] = await Promise.all([citizenRecords(db, ids), caseCounts(db, ids)]);
  const byId = new Map(records.map((r) => [r.id, rowToCitizenRecord(r, counts.get(r.id) ?? 0)]));
  return pairs.map((x) => ({
    municipalityId: byId.get(x.a)!.municipalityId,
    reasons: (['fiscalCode', 'email', 'phone', 'name'] as const).filter((k) => (k === 'fiscalCode' ? x.fiscal_code : x[k])),
    citizens: [byId.get(x.a)!, byId.get(x.b)!],
  }));
}

function rowToMerge(m: CitizenMergeRow): CitizenMerge {
  return {
    id: m.id,
    municipalityId: m.municipality_id,
    targetId: m.target_id,
    sourceId: m.source_id,
    moved: m.moved,
    mergedBy: m.merged_by,
    mergedAt: m.merged_at.toISOString(),
    undoneBy: m.undone_by,
    undoneAt: m.undone_at?.toISOString() ?? null,
  };
}

/** Both records, locked in id order (as every merge takes them), or a 404 for one outside the caller's municipalities. */
async function lockPair(trx: Transaction<Database>, p: Principal, targetId: string, sourceId: string) {
  const [first, second] = [targetId, sourceId].sort();
  const rows = new Map<string, NonNullable<Awaited<ReturnType<typeof findCitizenRecord>>>>();
  for (const id of [first!, second!]) {
    const row = await findCitizenRecord(trx, id, p.municipalities, true);
    if (!row) throw notFound(`citizen ${id}`);
    rows.set(id, row);
  }
  return { target: rows.get(targetId)!, source: rows.get(sourceId)! };
}

/**
 * A supervisor merges one record (source) into another (target): the source's cases and calls
 * move, the target gains its identifiers, the source is kept, marked merged, and the merge is
 * recorded with what moved so that it can be undone.
 */
export async function mergeCitizens(db: Db, p: Principal, cmd: MergeCommand, requestId: string): Promise<CitizenMerge> {
  return db.transaction().execute(async (trx) => {
    const { target, source } = await lockPair(trx, p, cmd.targetId, cmd.sourceId);
    for (const r of [target, source]) {
      if (r.merged_into) throw new ApiError('conflict', `citizen ${r.id} was merged into ${r.merged_into}`);
    }
    if (target.municipality_id !== source.municipality_id) {
      throw new ApiError('conflict', 'the two records belong to different municipalities', [
        { path: 'body.sourceId', message: `of ${source.municipality_id}, not ${target.municipality_id}` },
      ]);
    }
    if (target.fiscal_code && source.fiscal_code && target.fiscal_code !== source.fiscal_code) {
      throw new ApiError('conflict', 'the two records have different fiscal codes: they are two people', [
        { path: 'body.sourceId', message: 'another fiscal code' },
      ]);
    }
    const mergeId = randomUUID();
    // The audit record before the rows it covers: the chain's lock first, as every case write takes it.
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      requestId,
      municipalityId: target.municipality_id,
      action: 'citizen.merged',
      targetType: 'citizen',
      targetId: target.id,
      before: { target: rowToCitizenRecord(target), source: rowToCitizenRecord(source) },
      after: { merge: mergeId, sourceId: source.id },
    });
    const contacts = await moveContacts(trx, source.id, target.id);
    const moved = {
      ...contacts,
      phones: source.phones.filter((x) => !target.phones.includes(x)),
      emails: source.emails.filter((x) => !target.emails.includes(x)),
      fiscalCode: target.fiscal_code ? null : source.fiscal_code,
      name: target.name ? null : source.name,
    };
    await addToCitizen(trx, target.id, { ...moved, nameKey: moved.name ? normaliseName(moved.name) : null });
    await setMergedInto(trx, source.id, target.id);
    await insertMerge(trx, {
      id: mergeId,
      municipalityId: target.municipality_id,
      targetId: target.id,
      sourceId: source.id,
      moved,
      by: p.id,
    });
    return rowToMerge((await findMerge(trx, mergeId, p.municipalities))!);
  });
}

/** Undoes a merge: what moved goes back to the record merged away, which is live again. */
export async function undoMerge(db: Db, p: Principal, mergeId: string, requestId: string): Promise<CitizenMerge> {
  return db.transaction().execute(async (trx) => {
    const merge = await findMerge(trx, mergeId, p.municipalities, true);
    if (!merge) throw notFound(`merge ${mergeId}`);
    if (merge.undone_at) throw new ApiError('conflict', `merge ${mergeId} was already undone`);
    const later = await laterMergeOf(trx, merge);
    if (later) throw new ApiError('conflict', `a later merge (${later}) involves these records: undo it first`);
    await lockPair(trx, p, merge.target_id, merge.source_id);
    await appendAudit(trx, {
      actor: p.id,
      role: p.role,
      requestId,
      municipalityId: merge.municipality_id,
      action: 'citizen.unmerged',
      targetType: 'citizen',
      targetId: merge.target_id,
      before: { merge: merge.id },
      after: { sourceId: merge.source_id, moved: merge.moved },
    });
    await moveContactsBack(trx, merge.target_id, merge.source_id, merge.moved);
    await removeFromCitizen(trx, merge.target_id, merge.moved);
    await setMergedInto(trx, merge.source_id, null);
    await markMergeUndone(trx, merge.id, p.id);
    return rowToMerge((await findMerge(trx, merge.id, p.municipalities))!);
  });
}
