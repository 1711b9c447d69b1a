import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/*
 * The citizens registry: one record per person and municipality (a municipality's staff never see
 * another's citizens, as with cases), with the identifiers normalised — phones in E.164, e-mails
 * lower-cased, the fiscal code upper-cased. Cases, and calls by the citizen's number, point at it.
 * A merge keeps the record merged away (merged_into) and what it moved, so it can be undone.
 *
 * The existing cases are grouped into citizens here. The normalisation is a frozen copy of
 * domain/citizen-identity.ts as of this migration: a migration must not follow later code.
 */

const fiscalCodePattern = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;
function phoneOf(typed: unknown): string | null {
  if (typeof typed !== 'string') return null;
  const parsed = parsePhoneNumberFromString(typed.trim(), 'IT');
  return parsed?.isValid() ? parsed.number : null;
}
function emailOf(typed: unknown): string | null {
  if (typeof typed !== 'string') return null;
  const email = typed.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}
function fiscalCodeOf(typed: unknown): string | null {
  if (typeof typed !== 'string') return null;
  const code = typed.replace(/\s+/g, '').toUpperCase();
  return fiscalCodePattern.test(code) ? code : null;
}
const nameKeyOf = (name: string) => name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('citizens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
    .addColumn('name', 'text')
    // The name as compared for likely duplicates: no accents, case or extra spaces.
    .addColumn('name_key', 'text')
    .addColumn('phones', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('emails', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('fiscal_code', 'text')
    // Set when a supervisor merged this record into another; cleared when the merge is undone.
    .addColumn('merged_into', 'text', (c) => c.references('citizens.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index citizens_phones_idx on citizens using gin (phones)`.execute(db);
  await sql`create index citizens_emails_idx on citizens using gin (emails)`.execute(db);
  await sql`create index citizens_fiscal_code_idx on citizens (municipality_id, fiscal_code) where fiscal_code is not null`.execute(db);
  await sql`create index citizens_name_key_idx on citizens (municipality_id, name_key) where name_key is not null and merged_into is null`.execute(
    db,
  );

  // One row per merge: what moved from the record merged away to the kept one, for the undo.
  await db.schema
    .createTable('citizen_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipalities.id'))
    .addColumn('target_id', 'text', (c) => c.notNull().references('citizens.id'))
    .addColumn('source_id', 'text', (c) => c.notNull().references('citizens.id'))
    .addColumn('moved', 'jsonb', (c) => c.notNull())
    .addColumn('merged_by', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('undone_by', 'text')
    .addColumn('undone_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('citizen_merges_target_idx').on('citizen_merges').column('target_id').execute();
  await db.schema.createIndex('citizen_merges_source_idx').on('citizen_merges').column('source_id').execute();

  await db.schema
    .alterTable('cases')
    .addColumn('citizen_id', 'text', (c) => c.references('citizens.id'))
    .execute();
  await db.schema.createIndex('cases_citizen_id_idx').on('cases').column('citizen_id').execute();
  await db.schema
    .alterTable('calls')
    .addColumn('citizen_id', 'text', (c) => c.references('citizens.id'))
    .execute();
  await db.schema.createIndex('calls_citizen_id_idx').on('calls').column('citizen_id').execute();

  await groupExistingCases(db);
  await linkExistingCalls(db);
}

interface Group {
  id: string;
  name: string | null;
  phones: Set<string>;
  emails: Set<string>;
  fiscalCode: string | null;
  cases: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Cases sharing a normalised phone, e-mail or fiscal code become one citizen, per municipality;
 * two fiscal codes are two people, so a shared family phone never joins them. A case whose
 * identifiers point at two groups joins the first: the two then share an identifier and are
 * proposed to supervisors as likely duplicates, rather than joined without a person deciding.
 */
async function groupExistingCases(db: Kysely<any>): Promise<void> {
  const municipalities = (await db.selectFrom('municipalities').select('id').execute()).map((r) => r.id as string);
  for (const municipality of municipalities) {
    const groups: Group[] = [];
    const byKey = new Map<string, Group>();
    let after = '';
    for (;;) {
      // Keyset pages by id; a group's name is its newest case's.
      const rows = await db
        .selectFrom('cases')
        .select(['id', 'citizen', 'created_at'])
        .where('municipality_id', '=', municipality)
        .where('id', '>', after)
        .orderBy('id')
        .limit(5000)
        .execute();
      if (rows.length === 0) break;
      after = rows.at(-1)!.id;
      for (const r of rows) {
        const c = (r.citizen ?? {}) as Record<string, unknown>;
        const phone = phoneOf(c.phone);
        const email = emailOf(c.email);
        const fiscalCode = fiscalCodeOf(c.fiscalCode);
        const keys = [fiscalCode && `f:${fiscalCode}`, email && `e:${email}`, phone && `p:${phone}`].filter((k): k is string => !!k);
        if (keys.length === 0) continue;
        // The first group a key finds (fiscal code first), unless its fiscal code is another person's.
        const group =
          keys.map((k) => byKey.get(k)).find((g) => g && (!fiscalCode || !g.fiscalCode || g.fiscalCode === fiscalCode)) ??
          (() => {
            const g: Group = {
              id: randomUUID(),
              name: null,
              phones: new Set(),
              emails: new Set(),
              fiscalCode: null,
              cases: [],
              createdAt: r.created_at,
              updatedAt: r.created_at,
            };
            groups.push(g);
            return g;
          })();
        group.cases.push(r.id);
        if (phone) group.phones.add(phone);
        if (email) group.emails.add(email);
        group.fiscalCode ??= fiscalCode;
        if (typeof c.name === 'string' && c.name.trim() && r.created_at >= group.updatedAt) group.name = c.name.trim();
        if (r.created_at < group.createdAt) group.createdAt = r.created_at;
        if (r.created_at > group.updatedAt) group.updatedAt = r.created_at;
        for (const k of keys) if (!byKey.has(k)) byKey.set(k, group);
      }
    }
    for (let i = 0; i < groups.length; i += 500) {
      const batch = groups.slice(i, i + 500);
      await db
        .insertInto('citizens')
        .values(
          batch.map((g) => ({
            id: g.id,
            municipality_id: municipality,
            name: g.name,
            name_key: g.name ? nameKeyOf(g.name) : null,
            phones: [...g.phones],
            emails: [...g.emails],
            fiscal_code: g.fiscalCode,
            created_at: g.createdAt,
            updated_at: g.updatedAt,
          })),
        )
        .execute();
    }
    const links = groups.flatMap((g) => g.cases.map((caseId) => [caseId, g.id] as const));
    for (let i = 0; i < links.length; i += 1000) {
      const values = sql.join(links.slice(i, i + 1000).map(([caseId, citizenId]) => sql`(${caseId}, ${citizenId})`));
      await sql`update cases set citizen_id = v.citizen_id from (values ${values}) as v(case_id, citizen_id) where cases.id = v.case_id`.execute(
        db,
      );
    }
  }
}

/** Calls point at the citizen whose number they came from (inbound) or went to (outbound), in their municipality. */
async function linkExistingCalls(db: Kysely<any>): Promise<void> {
  const { rows: parties } = await sql<{ municipality_id: string; direction: string; number: string }>`
    select distinct municipality_id, direction, case when direction = 'inbound' then caller else called end as number
    from calls where municipality_id is not null`.execute(db);
  const citizens = await db.selectFrom('citizens').select(['id', 'municipality_id', 'phones']).execute();
  const byPhone = new Map<string, string>();
  for (const c of citizens) for (const p of c.phones as string[]) byPhone.set(`${c.municipality_id}|${p}`, c.id);
  const links = parties.flatMap((p) => {
    const phone = phoneOf(p.number);
    const citizenId = phone && byPhone.get(`${p.municipality_id}|${phone}`);
    return citizenId ? [[p.municipality_id, p.direction, p.number, citizenId] as const] : [];
  });
  for (let i = 0; i < links.length; i += 1000) {
    const values = sql.join(links.slice(i, i + 1000).map(([m, d, n, c]) => sql`(${m}, ${d}, ${n}, ${c})`));
    await sql`
      update calls set citizen_id = v.citizen_id from (values ${values}) as v(municipality_id, direction, number, citizen_id)
      where calls.municipality_id = v.municipality_id and calls.direction = v.direction
        and (case when v.direction = 'inbound' then calls.caller else calls.called end) = v.number`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('calls').dropColumn('citizen_id').execute();
  await db.schema.alterTable('cases').dropColumn('citizen_id').execute();
  await db.schema.dropTable('citizen_merges').execute();
  await db.schema.dropTable('citizens').execute();
}
