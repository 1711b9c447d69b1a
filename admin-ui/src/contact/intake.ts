import { normalisePhone as toE164 } from '../../../domain/citizen-identity.ts';
import { detailsIssues, type IntakeField } from '../../../domain/service-definition.ts';

export type { IntakeField };
export type LookupKey = 'phone' | 'fiscalCode' | 'email';

/** Which of the citizen's contacts the operator typed: an e-mail has an @, a fiscal code 16 letters and digits, a phone digits. */
export function lookupKeyOf(typed: string): LookupKey | undefined {
  const v = typed.trim();
  if (v.includes('@')) return 'email';
  if (/^[A-Za-z0-9]{16}$/.test(v) && /[A-Za-z]/.test(v)) return 'fiscalCode';
  if (/^\+?\(?[0-9][0-9\s.()/-]{5,}$/.test(v)) return 'phone';
  return undefined;
}

/**
 * A phone number as the registry stores it, E.164 ("333 123 4567" → "+393331234567"); one that does
 * not parse as a number is sent as typed, digits only, and the API says what is wrong with it.
 */
export const normalisePhone = (typed: string) => toE164(typed) ?? typed.replace(/[\s.()/-]/g, '');
/** Whether the typed text is a valid phone number (the lookup refuses others). */
export const isValidPhone = (typed: string) => toE164(typed) !== null;

/** The form's values, all strings but booleans, as the typed details the service's fields expect. */
export function detailsOf(fields: IntakeField[], values: Record<string, string | boolean>): Record<string, string | number | boolean> {
  const details: Record<string, string | number | boolean> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (typeof v === 'boolean') details[f.key] = v;
    else if (v !== undefined && v.trim() !== '')
      details[f.key] =
        f.type === 'number' && Number.isFinite(Number(v)) ? Number(v) : f.type === 'fiscal-code' ? v.trim().toUpperCase() : v.trim();
  }
  return details;
}

/**
 * What is wrong with each field, by key: `required` or the field's type (the translation key of the
 * message). Checked by the same rules the API applies (domain/service-definition.ts `detailsIssues`).
 */
export function intakeProblems(fields: IntakeField[], values: Record<string, string | boolean>): Record<string, string> {
  const details = detailsOf(fields, values);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  return Object.fromEntries(
    detailsIssues(fields, details).map((i) => {
      const key = i.path.slice('details.'.length);
      return [key, details[key] === undefined ? 'required' : byKey.get(key)!.type];
    }),
  );
}
