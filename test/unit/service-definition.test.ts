import { describe, expect, it } from 'vitest';
import { demoCalendars } from '../../catalog/calendars.ts';
import { demoDefinitions } from '../../catalog/definitions.ts';
import { demoCases, demoOffices, demoServices } from '../../catalog/demo.ts';
import { CalendarSchema } from '../../domain/calendar.ts';
import { definitionIssues, detailsIssues, ServiceDefinitionSchema } from '../../domain/service-definition.ts';

const tari = ServiceDefinitionSchema.parse(demoDefinitions.find((d) => d.service.code === 'tari-refund'));

describe('the demo catalog', () => {
  it('has a valid definition for every service offered, naming real offices', () => {
    const offices = new Set(demoOffices.map((o) => o.id));
    for (const service of demoServices) {
      const definition = demoDefinitions.find((d) => d.service.code === service.code);
      expect(definition, service.code).toBeDefined();
      expect(definitionIssues(definition), service.code).toEqual([]);
      expect(offices.has(definition!.transfer.offices[service.municipality_id]!), `${service.code} in ${service.municipality_id}`).toBe(
        true,
      );
    }
    for (const c of demoCalendars) expect(CalendarSchema.safeParse(c.spec).success, c.id).toBe(true);
  });

  it("has demo cases that fit their service's fields", () => {
    for (const { key, intake } of demoCases) {
      const definition = ServiceDefinitionSchema.parse(demoDefinitions.find((d) => d.service.code === intake.serviceCode));
      expect(detailsIssues(definition.intake.fields, intake.details), key).toEqual([]);
    }
  });
});

describe('definition validation', () => {
  it('names the exact path and reason of every problem', () => {
    const broken = structuredClone(demoDefinitions.find((d) => d.service.code === 'area-c-fine-dispute')!) as any;
    broken.intake.fields[1].key = 'plate'; // duplicate of field 0
    broken.intake.fields[2].options = undefined; // a select without options
    broken.intake.fields.push({ key: 'notes', label: 'Note', type: 'number', pattern: '[a-z' });
    broken.sla.office.warningHours = 100; // after the 80-hour target
    broken.reminders.officeAfterHours = [40, 90]; // the second after the target
    broken.callback.window.to = '08:00'; // before 09:00
    broken.resolution.outcomes = [];
    broken.survey.questions = [];
    broken.extra = true;
    expect(definitionIssues(broken)).toEqual(
      expect.arrayContaining([
        { path: 'intake.fields.1.key', message: '"plate" is already field 0' },
        { path: 'intake.fields.2.options', message: 'a select field needs its options' },
        { path: 'intake.fields.3.pattern', message: 'only text fields take a pattern' },
        { path: 'intake.fields.3.pattern', message: 'not a valid regular expression' },
        { path: 'sla.office.warningHours', message: 'must come before the target (80 business hours)' },
        { path: 'callback.window.to', message: 'the window must end after it starts' },
        { path: 'resolution.outcomes', message: expect.stringMatching(/>=1|at least 1/i) },
        { path: 'survey.questions', message: 'an enabled survey needs a question' },
        { path: '', message: expect.stringMatching(/extra/) },
      ]),
    );
  });

  it('checks reminders against the target once the rest is valid', () => {
    const late = structuredClone(demoDefinitions.find((d) => d.service.code === 'tari-refund')!);
    late.reminders.officeAfterHours = [40, 130];
    expect(definitionIssues(late)).toEqual([
      { path: 'reminders.officeAfterHours.1', message: 'a reminder must come before the target, which the breach handles' },
    ]);
  });
});

describe("a case's details", () => {
  it('pass when they fit the fields', () => {
    expect(
      detailsIssues(tari.intake.fields, { taxYear: 2025, taxpayerFiscalCode: 'rssmra85t10a562s', paymentNotice: '301000000012345678' }),
    ).toEqual([]);
  });

  it('fail field by field: missing, unknown, wrong type, wrong format', () => {
    expect(
      detailsIssues(tari.intake.fields, { taxYear: '2025', paymentNotice: '12-34', iban: 'DE89370400440532013000', pet: 'cat' }),
    ).toEqual([
      { path: 'details.pet', message: 'not a field of this service' },
      { path: 'details.taxYear', message: 'a number' },
      { path: 'details.taxpayerFiscalCode', message: 'Codice fiscale del contribuente is required' },
      { path: 'details.paymentNotice', message: 'does not match the expected format' },
      { path: 'details.iban', message: 'does not match the expected format' },
    ]);
  });
});
