import { sql, type Transaction } from 'kysely';
import type { StaffRole } from '../domain/case.ts';
import type { Scope } from './cases.repository.ts';
import type { Database, Executor } from './database.ts';

/** A staff account with its municipalities; never its password hash, only whether it has one. */
export interface StaffUserRow {
  id: string;
  displayName: string;
  email: string;
  role: StaffRole;
  officeId: string | null;
  municipalities: string[];
  hasPassword: boolean;
  disabledAt: Date | null;
  createdAt: Date;
}
export interface NewStaffUserRow {
  id: string;
  displayName: string;
  email: string;
  role: StaffRole;
  officeId?: string | null;
  municipalities: string[];
}
/** The fields to change; those left undefined are kept. */
export type StaffUserChanges = Partial<Omit<NewStaffUserRow, 'id'>>;

/** The municipalities a staff member serves, as one column of a `staff_users` query. */
export const userMunicipalities = sql<
  string[]
>`array(select m.municipality_id from staff_user_municipalities m where m.user_id = staff_users.id order by 1)`;

// An administrator manages the accounts all of whose municipalities they serve: never one that reaches further.
const selectUsers = (db: Executor, scope: Scope) =>
  db
    .selectFrom('staff_users')
    .select([
      'id',
      'display_name as displayName',
      'email',
      'role',
      'office_id as officeId',
      userMunicipalities.as('municipalities'),
      sql<boolean>`password_hash is not null`.as('hasPassword'),
      'disabled_at as disabledAt',
      'created_at as createdAt',
    ])
    .where(sql<boolean>`${userMunicipalities} <@ ${[...scope]}::text[]`);

export function listStaffUsers(db: Executor, scope: Scope): Promise<StaffUserRow[]> {
  return selectUsers(db, scope).orderBy('display_name').execute();
}

export function findStaffUser(db: Executor, id: string, scope: Scope): Promise<StaffUserRow | undefined> {
  return selectUsers(db, scope).where('id', '=', id).executeTakeFirst();
}

export function findUserIdByEmail(db: Executor, email: string) {
  return db
    .selectFrom('staff_users')
    .select('id')
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

/** A staff member's role and office by id, disabled or not (the opener of a case a call they answered started). */
export function findStaffRole(db: Executor, id: string) {
  return db.selectFrom('staff_users').select(['id', 'role', 'office_id']).where('id', '=', id).executeTakeFirst();
}

export async function displayNameOf(db: Executor, id: string): Promise<string> {
  return (await db.selectFrom('staff_users').select('display_name').where('id', '=', id).executeTakeFirstOrThrow()).display_name;
}

async function setMunicipalities(trx: Transaction<Database>, userId: string, municipalities: string[]) {
  await trx.deleteFrom('staff_user_municipalities').where('user_id', '=', userId).execute();
  await trx
    .insertInto('staff_user_municipalities')
    .values(municipalities.map((m) => ({ user_id: userId, municipality_id: m })))
    .execute();
}

export async function insertStaffUser(trx: Transaction<Database>, u: NewStaffUserRow): Promise<void> {
  await trx
    .insertInto('staff_users')
    .values({ id: u.id, display_name: u.displayName, email: u.email, role: u.role, office_id: u.officeId ?? null })
    .execute();
  await setMunicipalities(trx, u.id, u.municipalities);
}

export async function updateStaffUser(trx: Transaction<Database>, id: string, u: StaffUserChanges): Promise<void> {
  await trx
    .updateTable('staff_users')
    .set({ display_name: u.displayName, email: u.email, role: u.role, office_id: u.officeId })
    .where('id', '=', id)
    .execute();
  if (u.municipalities) await setMunicipalities(trx, id, u.municipalities);
}

export async function setDisabled(trx: Transaction<Database>, id: string, disabled: boolean): Promise<void> {
  await trx
    .updateTable('staff_users')
    .set((eb) => ({ disabled_at: disabled ? eb.fn.coalesce('disabled_at', sql<Date>`now()`) : null }))
    .where('id', '=', id)
    .execute();
}

export async function setPasswordHash(trx: Transaction<Database>, id: string, passwordHash: string): Promise<void> {
  await trx.updateTable('staff_users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

/** Administrators serving every municipality there is: the platform's own, who manage administrators. */
export async function platformAdminIds(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('staff_users as u')
    .select('u.id')
    .where('u.role', '=', 'admin')
    .where(({ eb, selectFrom }) =>
      eb(
        selectFrom('staff_user_municipalities as m')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('m.user_id', '=', 'u.id'),
        '=',
        selectFrom('municipalities').select((e) => e.fn.countAll<number>().as('n')),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** The creator of a municipality serves it, so they can go on to give it calendars, offices and staff. */
export async function addMunicipality(trx: Transaction<Database>, userId: string, municipalityId: string): Promise<void> {
  await trx.insertInto('staff_user_municipalities').values({ user_id: userId, municipality_id: municipalityId }).execute();
}

/** Logs the user out everywhere. */
export async function endSessionsOf(trx: Transaction<Database>, userId: string): Promise<void> {
  await trx.deleteFrom('staff_sessions').where('user_id', '=', userId).execute();
}
