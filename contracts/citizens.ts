import { z } from 'zod';
import { fiscalCodePattern, PhoneNumberSchema } from '../domain/case.ts';
import { CaseSchema } from './cases.ts';

const lookupKeys = ['phone', 'fiscalCode', 'email'] as const;

/** Exactly one of the citizen's contacts, normalised as the cases store and index them. */
export const CitizenLookupQuerySchema = z
  .object({
    phone: PhoneNumberSchema.optional(),
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
    name: z.string().nullable(),
    phones: z.array(z.string()),
    emails: z.array(z.string()),
    fiscalCodes: z.array(z.string()),
  }),
  cases: z.array(CaseSchema),
  contacts: z.array(ContactSchema),
});
z.globalRegistry.add(ContactSchema, { id: 'Contact' });
z.globalRegistry.add(CitizenLookupSchema, { id: 'CitizenLookup' });
export type CitizenLookupQuery = z.infer<typeof CitizenLookupQuerySchema>;
export type Contact = z.infer<typeof ContactSchema>;
export type CitizenLookup = z.infer<typeof CitizenLookupSchema>;
