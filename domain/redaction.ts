import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** What replaces a citizen's data in free text once they are erased or their case is anonymised. */
export const redactedMark = '[rimosso]';

/** What is known about the person whose data is removed: every form they were recorded under. */
export interface PersonalData {
  names: string[];
  /** E.164, or as a PBX wrote them. */
  phones: string[];
  emails: string[];
  fiscalCodes: string[];
  addresses: string[];
}

export const emptyPersonalData = (): PersonalData => ({ names: [], phones: [], emails: [], fiscalCodes: [], addresses: [] });

export function mergePersonalData(...all: PersonalData[]): PersonalData {
  const uniq = (k: keyof PersonalData) => [...new Set(all.flatMap((p) => p[k]).filter((s) => s.trim()))];
  return {
    names: uniq('names'),
    phones: uniq('phones'),
    emails: uniq('emails'),
    fiscalCodes: uniq('fiscalCodes'),
    addresses: uniq('addresses'),
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Between the digits of a typed number: "347 123 4567", "347-1234567", "(02) 1234.5678".
const sep = '[\\s.\\-/()]*';

/** A number in any of the ways people and PBXs write it: +39, 0039 or 39 in front or not, separators anywhere. */
function phonePattern(phone: string): string | null {
  const parsed = parsePhoneNumberFromString(phone.startsWith('+') ? phone : `+${phone.replace(/^00/, '')}`);
  const national = parsed?.nationalNumber ?? phone.replace(/\D/g, '');
  if (national.length < 6) return null;
  const cc = parsed?.countryCallingCode ?? '';
  const digits = [...national].join(sep);
  return cc ? `(?:(?:\\+|00)?${sep}${[...cc].join(sep)}${sep})?${digits}` : digits;
}

/**
 * The patterns that find the person in text: the whole name (either order) and each part of it of
 * three letters or more (a note says "richiamare il sig. Gallo"), every phone, e-mail, fiscal code
 * and address line. Case- and accent-sensitive matching is not enough for names typed by staff, so
 * they match case-insensitively.
 */
export function redactor(p: PersonalData): (text: string) => string {
  const parts = new Set<string>();
  for (const name of p.names) {
    const words = name.trim().split(/\s+/).filter(Boolean);
    if (words.length) {
      parts.add(words.map(escape).join('\\s+'));
      parts.add([...words].reverse().map(escape).join('\\s+'));
    }
    for (const w of words) if (w.length >= 3) parts.add(escape(w));
  }
  for (const phone of p.phones) {
    const pattern = phonePattern(phone);
    if (pattern) parts.add(pattern);
  }
  for (const s of [...p.emails, ...p.fiscalCodes]) if (s.trim()) parts.add(escape(s.trim()));
  for (const a of p.addresses) {
    for (const line of a.split(/\n|,/).map((l) => l.trim())) if (line.length >= 5) parts.add(escape(line).replace(/\s+/g, '\\s+'));
  }
  if (!parts.size) return (text) => text;
  // Longest first, so the whole name goes before its parts.
  const re = new RegExp([...parts].sort((a, b) => b.length - a.length).join('|'), 'giu');
  return (text) => text.replace(re, redactedMark);
}

/** The same over every string of a JSON value (keys included: a survey's free text may be keyed by nothing personal, but a detail may be). */
export function redactJson<T>(value: T, redact: (text: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
