import type { Db } from '../db/connection.ts';
import type { Executor } from '../db/database.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { findOffice } from '../db/offices.repository.ts';
import {
  endSessionsOf,
  findStaffUser,
  findUserIdByEmail,
  insertStaffUser,
  listStaffUsers,
  platformAdminIds,
  setDisabled,
  setPasswordHash,
  updateStaffUser,
} from '../db/staff-users.repository.ts';
import type { Principal } from '../domain/principal.ts';
import type { NewStaffUser, StaffUser, StaffUserFilter, StaffUserUpdate } from '../contracts/administration.ts';
import { idMatches } from '../contracts/list-query.ts';
import { alreadyExists, ApiError } from './errors.ts';
import { hashPassword } from './passwords.ts';
import { assertServes, auditedBy, type Change, changeRecord, createRecord, getRecord, type ReferenceKind } from './reference-data.ts';

// An account may serve several municipalities: its records go to the '*' chain.
const accounts: ReferenceKind<StaffUser> = {
  collection: 'users',
  table: 'staff_users',
  noun: 'user',
  targetType: 'staff-user',
  find: (db, id, p) => findStaffUser(db, id, p.municipalities),
  chainOf: () => null,
};
type Account = Pick<StaffUser, 'role' | 'officeId' | 'municipalities'>;

const unprocessable = (path: string, message: string) => new ApiError('unprocessable', message, [{ path, message }]);

/**
 * The admin role is granted, and admin accounts changed, only by an administrator who serves every
 * municipality: a municipality's administrator manages its staff, not who else administers.
 */
async function assertMayManageAdmins(db: Executor, p: Principal, path: string): Promise<void> {
  if ((await platformAdminIds(db)).includes(p.id)) return;
  throw new ApiError('forbidden', 'only an administrator serving every municipality manages administrator accounts', [
    { path, message: 'reserved to the platform administrators' },
  ]);
}

/** The rules an account keeps, checked on the account as it will be after the change. */
async function assertAccountRules(db: Executor, p: Principal, a: Account): Promise<void> {
  if (a.role === 'admin') await assertMayManageAdmins(db, p, 'body.role');
  // An administrator grants only what they serve themselves.
  assertServes(p, a.municipalities, 'body.municipalities');
  if (a.role === 'backoffice' && !a.officeId) throw unprocessable('body.officeId', 'a back-office user works in an office: give its id');
  if (!a.officeId) return;
  const office = await findOffice(db, a.officeId, p.municipalities);
  if (!office) throw unprocessable('body.officeId', `no office "${a.officeId}" in the municipalities you serve`);
  if (!a.municipalities.includes(office.municipalityId)) {
    throw unprocessable('body.officeId', `the office belongs to "${office.municipalityId}", which is not among the user's municipalities`);
  }
}

async function assertEmailFree(db: Executor, email: string | undefined, userId: string): Promise<void> {
  const holder = email && (await findUserIdByEmail(db, email));
  if (holder && holder.id !== userId) throw alreadyExists(`an account with e-mail ${email}`, 'body.email');
}

/** Staff accounts all of whose municipalities the caller serves. */
export async function listUsers(db: Db, p: Principal, f: StaffUserFilter): Promise<StaffUser[]> {
  const q = f.q?.toLowerCase();
  return (await listStaffUsers(db, p.municipalities)).filter(
    (u) =>
      idMatches(f.id, u.id) &&
      (!f.role || u.role === f.role) &&
      (!f.officeId || u.officeId === f.officeId) &&
      (!f.municipalityId || u.municipalities.includes(f.municipalityId)) &&
      (f.disabled === undefined || (u.disabledAt !== null) === f.disabled) &&
      (!q || `${u.id} ${u.displayName} ${u.email}`.toLowerCase().includes(q)),
  );
}

export const getUser = (db: Db, id: string, p: Principal): Promise<StaffUser> => getRecord(db, accounts, id, p);

/** The account logs in once a password is set. */
export async function createUser(db: Db, input: NewStaffUser, idempotencyKey: string | undefined, change: Change) {
  const p = change.principal;
  await assertAccountRules(db, p, { ...input, officeId: input.officeId ?? null });
  const { id, created } = await createRecord(db, accounts, input, idempotencyKey, change, async (trx) => {
    await assertEmailFree(trx, input.email, input.id);
    await insertStaffUser(trx, input);
    return getUser(trx, input.id, p);
  });
  return { created, record: await getUser(db, id, p) };
}

export const updateUser = (db: Db, id: string, input: StaffUserUpdate, change: Change): Promise<StaffUser> =>
  changeRecord(db, accounts, id, change, 'updated', async (trx, before) => {
    if (before.role === 'admin') await assertMayManageAdmins(trx, change.principal, 'id');
    await assertAccountRules(trx, change.principal, {
      role: input.role ?? before.role,
      officeId: input.officeId === undefined ? before.officeId : input.officeId,
      municipalities: input.municipalities ?? before.municipalities,
    });
    await assertEmailFree(trx, input.email, before.id);
    await updateStaffUser(trx, before.id, input);
    return getUser(trx, before.id, change.principal);
  });

/** Disabling also ends the account's sessions: it is out at once, not when its cookie expires. */
export async function setUserDisabled(db: Db, id: string, disable: boolean, change: Change): Promise<StaffUser> {
  if (disable && id === change.principal.id)
    throw new ApiError('conflict', 'you cannot disable your own account: ask another administrator');
  return changeRecord(db, accounts, id, change, disable ? 'disabled' : 'enabled', async (trx, before) => {
    if (before.role === 'admin') await assertMayManageAdmins(trx, change.principal, 'id');
    await setDisabled(trx, before.id, disable);
    if (disable) await endSessionsOf(trx, before.id);
    return getUser(trx, before.id, change.principal);
  });
}

/** A password reset by an administrator locks out whoever had the old one; your own session stays. */
export async function setUserPassword(db: Db, id: string, password: string, change: Change): Promise<void> {
  const p = change.principal;
  await getUser(db, id, p);
  // scrypt takes a while: hashed before the transaction, which then only writes.
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const user = await getUser(trx, id, p);
    // Resetting another administrator's password would be taking over their account.
    if (user.role === 'admin' && user.id !== p.id) await assertMayManageAdmins(trx, p, 'id');
    await setPasswordHash(trx, user.id, hash);
    if (user.id !== p.id) await endSessionsOf(trx, user.id);
    // The record says only that a password was set: no digest of it.
    await appendAudit(trx, {
      ...auditedBy(change),
      municipalityId: null,
      action: 'staff-user.password-set',
      targetType: 'staff-user',
      targetId: user.id,
    });
  });
}
