import type { Transaction } from 'kysely';
import type { Database, Executor } from './database.ts';

export interface MunicipalityRecord {
  id: string;
  name: string;
  istatCode: string;
}
const municipalityColumns = ['id', 'name', 'istat_code as istatCode'] as const;

export function listMunicipalities(db: Executor): Promise<MunicipalityRecord[]> {
  return db.selectFrom('municipalities').select(municipalityColumns).orderBy('name').execute();
}

export function listServices(db: Executor, municipalityId?: string) {
  let q = db.selectFrom('services').select(['municipality_id as municipalityId', 'code', 'name', 'office_id as officeId']);
  if (municipalityId) q = q.where('municipality_id', '=', municipalityId);
  return q.orderBy('municipality_id').orderBy('name').execute();
}

export function findService(db: Executor, municipalityId: string, code: string) {
  return db
    .selectFrom('services')
    .select(['code', 'office_id'])
    .where('municipality_id', '=', municipalityId)
    .where('code', '=', code)
    .executeTakeFirst();
}

export function findMunicipality(db: Executor, id: string): Promise<MunicipalityRecord | undefined> {
  return db.selectFrom('municipalities').select(municipalityColumns).where('id', '=', id).executeTakeFirst();
}

export function insertMunicipality(trx: Transaction<Database>, m: MunicipalityRecord): Promise<MunicipalityRecord> {
  return trx
    .insertInto('municipalities')
    .values({ id: m.id, name: m.name, istat_code: m.istatCode })
    .returning(municipalityColumns)
    .executeTakeFirstOrThrow();
}

export function updateMunicipality(
  trx: Transaction<Database>,
  id: string,
  m: Partial<Omit<MunicipalityRecord, 'id'>>,
): Promise<MunicipalityRecord> {
  return trx
    .updateTable('municipalities')
    .set({ name: m.name, istat_code: m.istatCode })
    .where('id', '=', id)
    .returning(municipalityColumns)
    .executeTakeFirstOrThrow();
}

export function findMunicipalityByIstatCode(db: Executor, istatCode: string) {
  return db.selectFrom('municipalities').select(['id']).where('istat_code', '=', istatCode).executeTakeFirst();
}

/** The tables of reference data, whose ids are global: taken in any municipality is taken. */
export type ReferenceTable = 'municipalities' | 'offices' | 'calendars' | 'staff_users';
export async function idTaken(db: Executor, table: ReferenceTable, id: string): Promise<boolean> {
  return !!(await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst());
}
