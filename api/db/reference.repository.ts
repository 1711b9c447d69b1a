import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export function listMunicipalities(db: Executor) {
  return db.selectFrom('municipalities').select(['id', 'name', 'istat_code as istatCode']).orderBy('name').execute();
}

export function listServices(db: Executor, municipalityId?: string) {
  let q = db.selectFrom('services')
    .select(['municipality_id as municipalityId', 'code', 'name', 'office_id as officeId']);
  if (municipalityId) q = q.where('municipality_id', '=', municipalityId);
  return q.orderBy('municipality_id').orderBy('name').execute();
}

export function findService(db: Executor, municipalityId: string, code: string) {
  return db.selectFrom('services').select(['code', 'office_id'])
    .where('municipality_id', '=', municipalityId).where('code', '=', code).executeTakeFirst();
}

export function findMunicipality(db: Executor, id: string) {
  return db.selectFrom('municipalities').select(['id']).where('id', '=', id).executeTakeFirst();
}
