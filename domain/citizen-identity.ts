import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { fiscalCodePattern } from './case.ts';

/*
 * How a citizen is recognised whatever the typing: each identifier in one canonical form, the
 * form the registry stores and compares. Pure: the API, the intake and the lookup share it.
 */

/** Numbers without a country prefix are Italian (a caller in Milan says "333 123 4567"). */
export const defaultRegion = 'IT';

/**
 * A phone number in E.164 ("+393331234567"), from any of the ways people write one: "333 123
 * 4567", "02 1234 5678", "+39 333 1234567", "0039 333-123.4567", "(02) 1234.5678"; null when it
 * is no valid number (too short, letters, an unknown range).
 */
export function normalisePhone(typed: string): string | null {
  const parsed = parsePhoneNumberFromString(typed.trim(), defaultRegion);
  return parsed?.isValid() ? parsed.number : null;
}

/** A fiscal code upper-cased and without spaces; null unless it has the form of a person's (omocodia letters included). */
export function normaliseFiscalCode(typed: string): string | null {
  const code = typed.replace(/\s+/g, '').toUpperCase();
  return fiscalCodePattern.test(code) ? code : null;
}

/** An e-mail address trimmed and lower-cased (mail systems treat the local part alike in practice); null unless it has one @. */
export function normaliseEmail(typed: string): string | null {
  const email = typed.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

/** A name for comparing: no accents, no case, single spaces ("Nicolò  ROSSI" = "nicolo rossi"). */
export function normaliseName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The identifiers a citizen snapshot (a case's `citizen`) carries, normalised; what does not normalise is left out. */
export interface CitizenIdentifiers {
  phones: string[];
  emails: string[];
  fiscalCode: string | null;
}

export function identifiersOf(c: { phone?: string | null; email?: string | null; fiscalCode?: string | null }): CitizenIdentifiers {
  const phone = c.phone ? normalisePhone(c.phone) : null;
  const email = c.email ? normaliseEmail(c.email) : null;
  return {
    phones: phone ? [phone] : [],
    emails: email ? [email] : [],
    fiscalCode: c.fiscalCode ? normaliseFiscalCode(c.fiscalCode) : null,
  };
}

export const hasIdentifier = (i: CitizenIdentifiers) => i.phones.length > 0 || i.emails.length > 0 || i.fiscalCode !== null;

/**
 * The forms a number may have been stored in by systems that do not normalise (a PBX's caller id:
 * "+39…", "0039…", "39…", the national number), for matching their rows to the registry's E.164.
 */
export function phoneVariants(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return [e164];
  const cc = parsed.countryCallingCode;
  const national = parsed.nationalNumber;
  return [...new Set([e164, `00${cc}${national}`, `${cc}${national}`, ...(cc === '39' ? [national] : [])])];
}
