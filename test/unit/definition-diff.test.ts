import { describe, expect, it } from 'vitest';
import { demoDefinitions } from '../../catalog/definitions.ts';
import { diffDocuments } from '../../domain/definition-diff.ts';
import { ServiceDefinitionSchema } from '../../domain/service-definition.ts';

const tari = ServiceDefinitionSchema.parse(demoDefinitions.find((d) => d.service.code === 'tari-refund'));

describe('diffDocuments', () => {
  it('finds nothing between equal documents', () => {
    expect(diffDocuments(tari, structuredClone(tari))).toEqual([]);
  });

  it('reports changed leaves at dotted paths with array indexes', () => {
    const next = structuredClone(tari);
    next.sla.office.targetHours = 80;
    next.intake.fields[1]!.required = false;
    expect(diffDocuments(tari, next)).toEqual([
      { path: 'intake.fields.1.required', op: 'changed', from: true, to: false },
      { path: 'sla.office.targetHours', op: 'changed', from: 120, to: 80 },
    ]);
  });

  it('reports added and removed keys and array elements with their whole value', () => {
    const next = structuredClone(tari);
    next.reminders.officeAfterHours = [40];
    next.transfer.offices = { milano: 'mi-tributi', firenze: 'fi-tributi', prato: 'po-tributi' };
    delete next.intake.fields[2]!.help;
    next.intake.fields.push({ key: 'note', label: 'Nota', type: 'textarea', required: false });
    expect(diffDocuments(tari, next)).toEqual([
      { path: 'intake.fields.2.help', op: 'removed', from: 'Il codice numerico dell’avviso pagoPA' },
      { path: 'intake.fields.4', op: 'added', to: { key: 'note', label: 'Nota', type: 'textarea', required: false } },
      { path: 'transfer.offices.prato', op: 'added', to: 'po-tributi' },
      { path: 'reminders.officeAfterHours.1', op: 'removed', from: 80 },
    ]);
  });

  it('reports a value that changes kind whole, and is symmetric in its operations', () => {
    const a = { onBreach: { type: 'escalate-to-supervisors' }, list: [1], flag: true };
    const b = { onBreach: 'none', list: { 0: 1 }, flag: true };
    expect(diffDocuments(a, b)).toEqual([
      { path: 'onBreach', op: 'changed', from: { type: 'escalate-to-supervisors' }, to: 'none' },
      { path: 'list', op: 'changed', from: [1], to: { 0: 1 } },
    ]);
    const there = diffDocuments(tari, { ...tari, survey: undefined, extra: 1 });
    const back = diffDocuments({ ...tari, survey: undefined, extra: 1 }, tari);
    expect(there.map((e) => [e.path, e.op])).toEqual([
      ['survey', 'removed'],
      ['extra', 'added'],
    ]);
    expect(back.map((e) => [e.path, e.op])).toEqual([
      ['survey', 'added'],
      ['extra', 'removed'],
    ]);
  });
});
