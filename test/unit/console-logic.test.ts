import { describe, expect, it } from 'vitest';
import { highlightParts } from '../../admin-ui/src/contact/highlight.ts';
import { detailsOf, type IntakeField, intakeProblems, lookupKeyOf, normalisePhone } from '../../admin-ui/src/contact/intake.ts';
import { listResult } from '../../admin-ui/src/common/listTotal.ts';
import { formatDateTime, formatRelative, instantOfRomeInput, romeInputOf, startOfTodayInRome } from '../../admin-ui/src/common/time.ts';
import { jsonPathOffsets, lineOf, offsetOfPath } from '../../admin-ui/src/definitions/jsonPaths.ts';
import { definitionStages } from '../../admin-ui/src/definitions/stages.ts';
import { queuesByOffice } from '../../admin-ui/src/supervision/queues.ts';
import { demoDefinitions } from '../../catalog/definitions.ts';
import { ServiceDefinitionSchema } from '../../domain/service-definition.ts';

describe('console: citizen lookup', () => {
  it('recognises what the operator typed', () => {
    expect(lookupKeyOf('+39 333 123 4567')).toBe('phone');
    expect(lookupKeyOf('02-8845 1111')).toBe('phone');
    expect(lookupKeyOf('(02) 1234.5678')).toBe('phone');
    expect(normalisePhone('333 123 4567')).toBe('+393331234567');
    expect(normalisePhone('(02) 1234.5678')).toBe('+390212345678');
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
    expect(detailsOf(fields, { taxYear: '2025', taxpayerFiscalCode: ' bncmra70a41f205x ', iban: '', danger: false })).toEqual({
      taxYear: 2025,
      taxpayerFiscalCode: 'BNCMRA70A41F205X',
      danger: false,
    });
  });

  it('names each problem by the translation key of its message, with the API’s own rules', () => {
    expect(intakeProblems(fields, {})).toEqual({ taxYear: 'required', taxpayerFiscalCode: 'required', danger: 'required' });
    expect(intakeProblems(fields, { taxYear: 'duemila', taxpayerFiscalCode: 'ABC', iban: 'IT00', danger: true })).toEqual({
      taxYear: 'number',
      taxpayerFiscalCode: 'fiscal-code',
      iban: 'text',
    });
    expect(
      intakeProblems(fields, {
        taxYear: '2025',
        taxpayerFiscalCode: 'BNCMRA70A41F205X',
        iban: 'IT60X0542811101000000123456',
        danger: true,
      }),
    ).toEqual({});
  });
});

describe('console: knowledge snippets', () => {
  it('keeps the marks as marks and everything else as text, never as HTML', () => {
    expect(highlightParts('Gli <mark>orari</mark> &lt;b&gt;non&lt;/b&gt; &amp; <mark>sportelli</mark>')).toEqual([
      { text: 'Gli ', marked: false },
      { text: 'orari', marked: true },
      { text: ' <b>non</b> & ', marked: false },
      { text: 'sportelli', marked: true },
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

describe('console: date-time pickers in Rome', () => {
  it('reads what the picker holds as Rome time, in winter and summer, and shows instants back the same way', () => {
    expect(instantOfRomeInput('2026-01-15T10:30')).toBe('2026-01-15T09:30:00.000Z');
    expect(instantOfRomeInput('2026-07-01T10:30')).toBe('2026-07-01T08:30:00.000Z');
    // The night summer time starts, and the one it ends.
    expect(instantOfRomeInput('2026-03-29T03:30')).toBe('2026-03-29T01:30:00.000Z');
    expect(instantOfRomeInput('2026-10-25T12:00')).toBe('2026-10-25T11:00:00.000Z');
    expect(instantOfRomeInput('2026-01-15')).toBeUndefined();
    expect(romeInputOf('2026-07-01T08:30:00.000Z')).toBe('2026-07-01T10:30');
  });
});

describe('console: definition editor', () => {
  const text = JSON.stringify(
    { service: { code: 'tari-refund' }, intake: { fields: [{ key: 'taxYear' }, { key: 'iban', pattern: '[' }] }, tags: ['a "quoted" one'] },
    null,
    2,
  );

  it('finds each member of the JSON text at its dotted path', () => {
    const at = jsonPathOffsets(text);
    expect(text.slice(at.get('service.code'), at.get('service.code')! + 6)).toBe('"code"');
    expect(text.slice(at.get('intake.fields.1'), at.get('intake.fields.1')! + 1)).toBe('{');
    expect(text.slice(at.get('intake.fields.1.pattern'), at.get('intake.fields.1.pattern')! + 9)).toBe('"pattern"');
    expect(at.has('tags.0')).toBe(true);
  });

  it('points a problem at the nearest member that exists, and says its line', () => {
    const missing = offsetOfPath(text, 'intake.fields.0.label');
    expect(missing).toBe(jsonPathOffsets(text).get('intake.fields.0'));
    expect(offsetOfPath(text, '')).toBe(0);
    expect(lineOf(text, offsetOfPath(text, 'intake.fields.1.pattern'))).toBe(text.split('\n').findIndex((l) => l.includes('"pattern"')));
  });

  it('draws the stages from the definition itself', () => {
    const tari = ServiceDefinitionSchema.parse(demoDefinitions.find((d) => d.service.code === 'tari-refund'));
    const stages = definitionStages(tari, (kind, id) => `${kind}:${id}`);
    expect(stages.map((s) => s.id)).toEqual(['intake', 'firstLevel', 'office', 'callback', 'survey', 'closed']);
    expect(stages[2]!.facts).toEqual([
      { key: 'officeOf', values: { municipality: 'milano', office: 'office:mi-tributi' } },
      { key: 'officeOf', values: { municipality: 'firenze', office: 'office:fi-tributi' } },
      { key: 'sla', values: { target: 120, warning: 96 } },
      { key: 'escalate' },
      { key: 'taskOnly' },
    ]);
    expect(stages[3]!.facts[0]).toEqual({ key: 'attempts', values: { smart_count: 3, spacing: 60 } });
    expect(stages[4]!.facts[0]).toEqual({ key: 'questions', values: { smart_count: 2, channel: 'contact:sms' } });
  });
});

describe('console: live queues', () => {
  it('counts the tasks still to do by office, the most overdue office first', () => {
    const task = (
      officeId: string,
      status: 'open' | 'claimed' | 'done',
      slaState: 'on-track' | 'warning' | 'breached',
      escalated = false,
    ) => ({ officeId, officeName: officeId.toUpperCase(), status, slaState, escalated });
    expect(
      queuesByOffice([
        task('a', 'open', 'on-track'),
        task('a', 'claimed', 'warning'),
        task('a', 'open', 'on-track'),
        task('b', 'open', 'breached', true),
        task('b', 'done', 'breached'),
      ]),
    ).toEqual([
      { officeId: 'b', officeName: 'B', open: 1, claimed: 0, warning: 0, breached: 1, escalated: 1 },
      { officeId: 'a', officeName: 'A', open: 2, claimed: 1, warning: 1, breached: 0, escalated: 0 },
    ]);
  });
});

describe("the console's list totals", () => {
  const headers = (range: string, exact?: string) => new Headers({ 'content-range': range, ...(exact ? { 'x-total-exact': exact } : {}) });
  it('pages an exact total as simple-rest does', () => {
    expect(listResult([{ id: 1 }], headers('cases 0-0/1', 'true'), 1, 25)).toEqual({ data: [{ id: 1 }], total: 1 });
    // An API without the header (or a proxy dropping it) still pages.
    expect(listResult([], headers('cases */0'), 1, 25)).toEqual({ data: [], total: 0 });
  });
  it('turns a capped total into "more than 1,000", paging on while pages are full', () => {
    const rows = Array.from({ length: 25 }, (_, id) => ({ id }));
    expect(listResult(rows, headers('cases 0-24/1001', 'false'), 1, 25)).toEqual({
      data: rows,
      pageInfo: { hasPreviousPage: false, hasNextPage: true },
      meta: { totalMoreThan: 1000 },
    });
    expect(listResult(rows.slice(0, 3), headers('cases 1025-1027/1001', 'false'), 42, 25).pageInfo).toEqual({
      hasPreviousPage: true,
      hasNextPage: false,
    });
  });
  it('refuses an answer without a total', () => {
    expect(() => listResult([], new Headers(), 1, 25)).toThrow(/Content-Range/);
  });
});
