import type { Db } from '../db/connection.ts';
import type { Executor } from '../db/database.ts';
import {
  findMunicipality,
  findMunicipalityByIstatCode,
  insertMunicipality,
  listMunicipalities as allMunicipalities,
  updateMunicipality as updateMunicipalityRow,
} from '../db/reference.repository.ts';
import { addMunicipality, platformAdminIds } from '../db/staff-users.repository.ts';
import { type Principal, serves } from '../domain/principal.ts';
import type { Municipality, MunicipalityFilter, MunicipalityUpdate, NewMunicipality } from '../contracts/administration.ts';
import { idMatches } from '../contracts/list-query.ts';
import { alreadyExists } from './errors.ts';
import { type Change, changeRecord, createRecord, getRecord, type ReferenceKind } from './reference-data.ts';

const municipalities: ReferenceKind<Municipality> = {
  collection: 'municipalities',
  table: 'municipalities',
  noun: 'municipality',
  targetType: 'municipality',
  find: async (db, id, p) => (serves(p, id) ? findMunicipality(db, id) : undefined),
  chainOf: (m) => m.id,
};

async function assertIstatCodeFree(db: Executor, istatCode: string | undefined, municipalityId: string): Promise<void> {
  const holder = istatCode && (await findMunicipalityByIstatCode(db, istatCode));
  if (holder && holder.id !== municipalityId) throw alreadyExists(`a municipality with ISTAT code ${istatCode}`, 'body.istatCode');
}

export async function listMunicipalities(db: Db, p: Principal, f: MunicipalityFilter): Promise<Municipality[]> {
  return (await allMunicipalities(db)).filter((m) => serves(p, m.id) && idMatches(f.id, m.id));
}

export const getMunicipality = (db: Db, id: string, p: Principal): Promise<Municipality> => getRecord(db, municipalities, id, p);

/** How messages name their sender ("Comune di Milano"); the id when the municipality is unknown. */
export const municipalityName = async (db: Db, id: string): Promise<string> => (await findMunicipality(db, id))?.name ?? id;

/** The creator serves the new municipality from now on. */
export async function createMunicipality(db: Db, input: NewMunicipality, idempotencyKey: string | undefined, change: Change) {
  const { id, created } = await createRecord(db, municipalities, input, idempotencyKey, change, async (trx) => {
    await assertIstatCodeFree(trx, input.istatCode, input.id);
    // The platform's administrators go on serving every municipality, whoever created this one.
    const servers = new Set([change.principal.id, ...(await platformAdminIds(trx))]);
    const row = await insertMunicipality(trx, input);
    for (const userId of servers) await addMunicipality(trx, userId, row.id);
    return row;
  });
  // Read as its creator serves it now, which their principal, loaded before, does not say yet.
  return { created, record: (await findMunicipality(db, id))! };
}

export const updateMunicipality = (db: Db, id: string, input: MunicipalityUpdate, change: Change): Promise<Municipality> =>
  changeRecord(db, municipalities, id, change, 'updated', async (trx, before) => {
    await assertIstatCodeFree(trx, input.istatCode, before.id);
    return updateMunicipalityRow(trx, before.id, input);
  });
