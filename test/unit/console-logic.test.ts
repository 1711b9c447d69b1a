import { describe, expect, it } from 'vitest';
import { highlightParts } from '../../admin-ui/src/contact/highlight.ts';
import { detailsOf, type IntakeField, intakeProblems, lookupKeyOf } from '../../admin-ui/src/contact/intake.ts';
import { formatDateTime, formatRelative, startOfTodayInRome } from '../../admin-ui/src/common/time.ts';

describe('console: citizen lookup', () => {
  it('recognises what the operator typed', () => {
    expect(lookupKeyOf('+39 333 123 4567')).toBe('phone');
    expect(lookupKeyOf('02-8845 1111')).toBe('phone');
    expect(lookupKeyOf('bncmra70a41f205x')).toBe('fiscalCode');
    expect(lookupKeyOf(' maria@example.org ')).toBe('email');
    expect(lookupKeyOf('Maria')).toBeUndefined();
    expect(lookupKeyOf('12')).toBeUndefined();
  });
});

describe('console: intake form', () => {
  const fields: IntakeField[] = [
    { key: 'taxYear', label: 'Anno', type: 'number', required: true },
    { key: 'taxpayerFiscalCode', label: 'CF', type: 'fiscal-code', required: true },
    { key: 'iban', label: 'IBAN', type: 'text', required: false, pattern: 'IT[0-9]{2}[A-Z][0-9]{10}[0-9A-Z]{12}' },
    { key: 'danger', label: 'Pericolo', type: 'boolean', required: true },
  ];

  it('types the values as the service expects them', () => {
    expect(detailsOf(fields, { taxYear: '2025', taxpayerFiscalCode: ' bncmra70a41f205x ', iban: '', danger: false }))
      .toEqual({ taxYear: 2025, taxpayerFiscalCode: 'BNCMRA70A41F205X', danger: false });
  });

  it('names each problem by the translation key of its message, with the API’s own rules', () => {
    expect(intakeProblems(fields, {})).toEqual({ taxYear: 'required', taxpayerFiscalCode: 'required', danger: 'required' });
    expect(intakeProblems(fields, { taxYear: 'duemila', taxpayerFiscalCode: 'ABC', iban: 'IT00', danger: true }))
      .toEqual({ taxYear: 'number', taxpayerFiscalCode: 'fiscal-code', iban: 'text' });
    expect(intakeProblems(fields, { taxYear: '2025', taxpayerFiscalCode: 'BNCMRA70A41F205X', iban: 'IT60X0542811101000000123456', danger: true })).toEqual({});
  });
});

describe('console: knowledge snippets', () => {
  it('keeps the marks as marks and everything else as text, never as HTML', () => {
    expect(highlightParts('Gli <mark>orari</mark> &lt;b&gt;non&lt;/b&gt; &amp; <mark>sportelli</mark>')).toEqual([
      { text: 'Gli ', marked: false }, { text: 'orari', marked: true }, { text: ' <b>non</b> & ', marked: false }, { text: 'sportelli', marked: true },
    ]);
  });
});

describe('console: times in Europe/Rome', () => {
  it('formats instants in Rome whatever the machine’s zone, in the chosen language', () => {
    expect(formatDateTime('2026-07-01T08:30:00Z', 'it')).toBe('01/07/26, 10:30');
    expect(formatDateTime('2026-01-15T08:30:00Z', 'en')).toBe('15/01/2026, 09:30');
    expect(formatDateTime(null, 'it')).toBe('—');
  });

  it('says how far a due time is', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    expect(formatRelative('2026-03-02T13:00:00Z', 'it', now)).toBe('tra 3 ore');
    expect(formatRelative('2026-03-05T10:00:00Z', 'en', now)).toBe('in 3 days');
    expect(formatRelative('2026-03-02T09:30:00Z', 'en', now)).toBe('30 minutes ago');
  });

  it("finds today's midnight in Rome, in winter and summer time", () => {
    expect(startOfTodayInRome(new Date('2026-01-15T23:30:00Z'))).toBe('2026-01-15T23:00:00.000Z');
    expect(startOfTodayInRome(new Date('2026-07-01T10:00:00Z'))).toBe('2026-06-30T22:00:00.000Z');
  });
});
