import { z } from 'zod';
import { fiscalCodePattern } from '../domain/case.ts';
import { normalisePhone } from '../domain/citizen-identity.ts';
import { CaseSchema } from './cases.ts';

const lookupKeys = ['phone', 'fiscalCode', 'email'] as const;

/** A number however typed ("333 123 4567", "02-1234 5678", "0039 …"), to E.164; Italian unless it has a prefix. */
const TypedPhoneSchema = z
  .string()
  .max(40)
  .transform((s, ctx) => normalisePhone(s) ?? (ctx.addIssue({ code: 'custom', message: 'a valid phone number' }), z.NEVER));

/** Exactly one of the citizen's contacts, normalised as the registry stores them. */
export const CitizenLookupQuerySchema = z
  .object({
    phone: TypedPhoneSchema.optional(),
    fiscalCode: z.string().trim().toUpperCase().regex(fiscalCodePattern, 'an Italian fiscal code (16 characters)').optional(),
    email: z.string().trim().toLowerCase().pipe(z.email().max(320)).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const given = lookupKeys.filter((k) => q[k] !== undefined);
    const message = 'give exactly one of phone, fiscalCode or email';
    if (given.length === 0) for (const k of lookupKeys) ctx.addIssue({ code: 'custom', path: [k], message });
    for (const k of given.slice(1)) ctx.addIssue({ code: 'custom', path: [k], message });
  });

/** One contact with the citizen, on any channel: what they sent us, and the messages we sent them. */
export const ContactSchema = z.object({
  at: z.string(),
  /** Null for a call that is attached to no case. */
  caseId: z.string().nullable(),
  callId: z.string().nullable(),
  direction: z.enum(['inbound', 'outbound']),
  /** The case channel (phone, web, e-mail, …) or the message's (sms, email); null when the case did not record it. */
  channel: z.string().nullable(),
  /** The case event type (`case.opened`, `citizen.solicited`, …), `message` for what was sent, `call` for a phone call. */
  type: z.string(),
  text: z.string().nullable(),
});

export const CitizenLookupSchema = z.object({
  citizen: z.object({
    /** The registry's record (of the caller's municipalities, the oldest when several hold the person). */
    id: z.string(),
    /** Every record found, one per municipality the person is known to (a merged record is never one). */
    records: z.array(z.object({ id: z.string(), municipalityId: z.string() })),
    name: z.string().nullable(),
    phones: z.array(z.string()),
    emails: z.array(z.string()),
    fiscalCodes: z.array(z.string()),
    /** The postal address for letters (of the newest record that has one), null when none is known. */
    address: z.string().nullable(),
  }),
  cases: z.array(CaseSchema),
  contacts: z.array(ContactSchema),
});
z.globalRegistry.add(ContactSchema, { id: 'Contact' });
z.globalRegistry.add(CitizenLookupSchema, { id: 'CitizenLookup' });
export type CitizenLookupQuery = z.infer<typeof CitizenLookupQuerySchema>;
export type Contact = z.infer<typeof ContactSchema>;
export type CitizenLookup = z.infer<typeof CitizenLookupSchema>;

/** A record of the citizens registry: one person in one municipality, identifiers normalised. */
export const CitizenRecordSchema = z.object({
  id: z.string(),
  municipalityId: z.string(),
  name: z.string().nullable(),
  /** E.164. */
  phones: z.array(z.string()),
  /** Lower-cased. */
  emails: z.array(z.string()),
  fiscalCode: z.string().nullable(),
  /** Postal address for letters. */
  address: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** How many cases the record has (in lists of duplicates). */
  cases: z.number().int().optional(),
});
export const LikelyDuplicateSchema = z.object({
  municipalityId: z.string(),
  /** What the two records have in common. */
  reasons: z.array(z.enum(['fiscalCode', 'email', 'phone', 'name'])),
  citizens: z.tuple([CitizenRecordSchema, CitizenRecordSchema]),
});
export const MergeCommandSchema = z
  .object({
    /** The record kept. */
    targetId: z.string().min(1).max(100),
    /** The record merged into it: its cases and calls move, it is kept for the undo. */
    sourceId: z.string().min(1).max(100),
  })
  .strict()
  .refine((m) => m.targetId !== m.sourceId, { path: ['sourceId'], message: 'a record cannot be merged into itself' });
export const CitizenMergeSchema = z.object({
  id: z.string(),
  municipalityId: z.string(),
  targetId: z.string(),
  sourceId: z.string(),
  /** What moved to the target, and what the undo gives back. */
  moved: z.object({
    cases: z.array(z.string()),
    calls: z.array(z.string()),
    phones: z.array(z.string()),
    emails: z.array(z.string()),
    fiscalCode: z.string().nullable(),
    name: z.string().nullable(),
  }),
  mergedBy: z.string(),
  mergedAt: z.string(),
  undoneBy: z.string().nullable(),
  undoneAt: z.string().nullable(),
});
export const MergeParams = z.object({ id: z.string().min(1).max(100) });
z.globalRegistry.add(CitizenRecordSchema, { id: 'CitizenRecord' });
z.globalRegistry.add(LikelyDuplicateSchema, { id: 'LikelyDuplicate' });
z.globalRegistry.add(CitizenMergeSchema, { id: 'CitizenMerge' });
export type CitizenRecord = z.infer<typeof CitizenRecordSchema>;
export type LikelyDuplicate = z.infer<typeof LikelyDuplicateSchema>;
export type MergeCommand = z.infer<typeof MergeCommandSchema>;
export type CitizenMerge = z.infer<typeof CitizenMergeSchema>;
