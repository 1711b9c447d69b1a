import { describe, expect, it } from 'vitest';
import { CaseIntakeSchema, caseIdPattern, formatCaseId } from '../../domain/case.ts';
import { CaseIdSchema } from '../../contracts/cases.ts';
import { TaskParams } from '../../contracts/tasks.ts';
import { contentRange, pageOf } from '../../contracts/list-query.ts';

describe('case intake', () => {
  const valid = { municipalityId: 'milano', serviceCode: 'tari-refund', channel: 'phone', subject: 'Rimborso TARI' };

  it('fills defaults and normalises the fiscal code', () => {
    const parsed = CaseIntakeSchema.parse({ ...valid, citizen: { fiscalCode: 'rssmra85t10a562s' } });
    expect(parsed).toMatchObject({ description: '', citizen: { fiscalCode: 'RSSMRA85T10A562S' } });
  });

  it.each([
    ['RSSMRA85T10A562S', true],
    ['RSSMRA85T10A5M2S', true], // omocodia: a digit replaced by a letter
    ['RSSMRA85Z10A562S', false], // Z is no month
    ['RSSMRA85T10A562', false],
    ['1234567890123456', false],
  ])('fiscal code %s valid: %s', (fiscalCode, ok) => {
    expect(CaseIntakeSchema.safeParse({ ...valid, citizen: { fiscalCode } }).success).toBe(ok);
  });

  it('reports each bad field at its path', () => {
    const result = CaseIntakeSchema.safeParse({ ...valid, channel: 'pigeon', citizen: { phone: '12' } });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['channel', 'citizen.phone']);
  });
});

describe('case ids', () => {
  it('read like protocol numbers and match the route pattern', () => {
    expect(formatCaseId(2026, 42)).toBe('C-2026-000042');
    expect(formatCaseId(2026, 1234567)).toBe('C-2026-1234567');
    expect(caseIdPattern.test(formatCaseId(2026, 7))).toBe(true);
    expect(caseIdPattern.test('C-26-7')).toBe(false);
  });

  it("cover the traffic simulator's cases too, which the lists return", () => {
    expect(CaseIdSchema.parse('SIM-milano-20250106s3-1a2')).toBe('SIM-milano-20250106s3-1a2');
    expect(TaskParams.parse({ id: 'SIM-milano-20250106s3-1a2:1' })).toEqual({ id: 'SIM-milano-20250106s3-1a2:1' });
    for (const id of ['SIM-', 'SIM-milano', "SIM-milano-20250106s3-1a2'", 'sim-milano-20250106s3-1a2', 'C-2026-000042:1'])
      expect(CaseIdSchema.safeParse(id).success, id).toBe(false);
  });
});

describe('simple-rest paging', () => {
  it('turns a range into offset and limit and back into Content-Range', () => {
    expect(pageOf(undefined)).toEqual({ offset: 0, limit: 25 });
    expect(pageOf([50, 74])).toEqual({ offset: 50, limit: 25 });
    expect(contentRange('cases', { offset: 50, limit: 25 }, 10, 60)).toBe('cases 50-59/60');
    expect(contentRange('cases', { offset: 0, limit: 25 }, 0, 0)).toBe('cases */0');
    // A capped total is sent as its lower bound: "more than 1,000" is 1,001.
    expect(contentRange('cases', { offset: 0, limit: 25 }, 25, { moreThan: 1000 })).toBe('cases 0-24/1001');
    expect(contentRange('cases', { offset: 5000, limit: 25 }, 0, { moreThan: 1000 })).toBe('cases */1001');
  });
});
