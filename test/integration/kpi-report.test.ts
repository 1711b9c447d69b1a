import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTraffic } from '../../scripts/traffic/bulk.ts';
import { generateTraffic, milanProfile } from '../../scripts/traffic/model.ts';
import type { Tally } from '../../scripts/traffic/tally.ts';
import { formatFigure } from '../../services/kpi-report.files.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';

/**
 * The monthly report of November 2026 against November 2025, each month two simulated days of a
 * small Milan (bulk mode): its figures are the simulator's tallies, and each file reads back.
 */
let api: TestApi;
let supervisor: StaffClient;
let now: Tally;
let before: Tally;
const small = (from: string, to: string) => ({
  ...milanProfile(from, to),
  callsPerYear: 200_000,
  writtenPerMonth: { web: 1_000, email: 1_500 },
});
const report = (params: Record<string, string>) => supervisor.inject({ url: `/api/kpi/report?${new URLSearchParams(params)}` });

beforeAll(async () => {
  api = await startTestApi({ workers: false });
  supervisor = await staffClient(api.app, api.t.db, { role: 'supervisor', municipalities: ['milano'] });
  before = await writeTraffic(api.t.db, generateTraffic(small('2025-11-10', '2025-11-12'), 1), { rollups: 'triggers' });
  now = await writeTraffic(api.t.db, generateTraffic(small('2026-11-09', '2026-11-11'), 2), { rollups: 'triggers' });
});
afterAll(() => api?.stop());

describe('the monthly report', () => {
  it('gives the month, the same month last year and the change, top services and twelve months of trend', async () => {
    const res = await report({ month: '2026-11', municipalityId: 'milano' });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      month: '2026-11',
      municipalityId: 'milano',
      title: 'Comune di Milano',
      from: '2026-10-31T23:00:00.000Z',
      to: '2026-11-30T23:00:00.000Z',
    });
    const kpi = (id: string) => r.kpis.find((k: { id: string }) => k.id === id);
    expect(kpi('callsOffered')).toEqual({
      id: 'callsOffered',
      label: 'Chiamate in ingresso',
      unit: 'count',
      value: now.callsOffered,
      lastYear: before.callsOffered,
      change: now.callsOffered / before.callsOffered - 1,
    });
    expect(kpi('callsAnswered')).toMatchObject({ value: now.callsAnswered, lastYear: before.callsAnswered });
    expect(kpi('casesOpened')).toMatchObject({ value: now.casesOpened, lastYear: before.casesOpened });
    expect(kpi('callsTransferred')).toMatchObject({ value: now.callsTransferred, lastYear: before.callsTransferred });
    expect(r.topServices.reduce((n: number, s: { casesOpened: number }) => n + s.casesOpened, 0)).toBe(now.casesOpened);
    expect(r.topServices[0]).toMatchObject({ serviceCode: 'general-information', name: 'Informazioni generali' });
    expect(r.trends.map((t: { month: string }) => t.month)).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    expect(r.trends.at(-1)).toMatchObject({ callsOffered: now.callsOffered, casesOpened: now.casesOpened });
    expect(r.trends[0]).toMatchObject({ callsOffered: 0, abandonmentRate: null });
  });

  it('has every KPI as the KPI endpoints give it for the month and for the same month a year before', async () => {
    const r = (await report({ month: '2026-11', municipalityId: 'milano' })).json();
    const month = async (from: string, to: string) => {
      const [calls, cases] = await Promise.all(
        ['calls', 'cases'].map(async (path) => {
          const res = await supervisor.inject({
            url: `/api/kpi/${path}?${new URLSearchParams({ from, to, bucket: 'month', municipalityId: 'milano' })}`,
          });
          expect(res.statusCode, res.body).toBe(200);
          return res.json().totals as Record<string, number | null>;
        }),
      );
      return { ...calls, ...cases };
    };
    const [value, lastYear] = await Promise.all([
      month('2026-11-01T00:00:00+01:00', '2026-12-01T00:00:00+01:00'),
      month('2025-11-01T00:00:00+01:00', '2025-12-01T00:00:00+01:00'),
    ]);
    expect(r.kpis).toHaveLength(16);
    for (const k of r.kpis) expect(k, k.id).toMatchObject({ value: value[k.id], lastYear: lastYear[k.id] });
  });

  it('as CSV: one row per KPI, service and trend figure', async () => {
    const res = await report({ month: '2026-11', municipalityId: 'milano', format: 'csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="rapporto-2026-11-milano.csv"');
    const rows = res.body
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows[0]).toEqual(['section', 'key', 'label', 'value', 'last_year', 'change']);
    expect(rows.find((row) => row[1] === 'callsOffered')!.slice(0, 5)).toEqual([
      'kpi',
      'callsOffered',
      'Chiamate in ingresso',
      String(now.callsOffered),
      String(before.callsOffered),
    ]);
    expect(rows.filter((row) => row[0] === 'kpi')).toHaveLength(16);
    expect(rows.find((row) => row[0] === 'trend 2026-11' && row[1] === 'casesOpened')![3]).toBe(String(now.casesOpened));
  });

  it('as XLSX: the KPI, service and trend sheets read back', async () => {
    const res = await report({ month: '2026-11', municipalityId: 'milano', format: 'xlsx' });
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['KPI', 'Servizi', 'Andamento']);
    const kpis = book.getWorksheet('KPI')!;
    expect(kpis.getRow(1).getCell(1).value).toBe('Rapporto mensile novembre 2026 — Comune di Milano');
    const offered = kpis.getRows(3, 16)!.find((row) => row.getCell(2).value === 'callsOffered')!;
    expect([offered.getCell(3).value, offered.getCell(4).value]).toEqual([now.callsOffered, before.callsOffered]);
    expect(book.getWorksheet('Andamento')!.getRow(13).getCell(2).value).toBe(now.callsOffered);
  });

  it('as PDF: a document with the title and the figures written out', async () => {
    const res = await report({ month: '2026-11', municipalityId: 'milano', format: 'pdf' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload.toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    // Text runs as pdfkit writes them for the standard fonts: WinAnsi hex strings inside TJ arrays (the dash is 0x97).
    const text = [...pdf.matchAll(/\[([^\]]*)\] TJ/g)].map((m) =>
      [...m[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''),
    );
    expect(text).toContain('Rapporto mensile \x97 novembre 2026');
    expect(text).toContain('Chiamate in ingresso');
    expect(text).toContain(formatFigure(now.callsOffered, 'count'));
    expect(text).toContain(formatFigure(before.callsOffered, 'count'));
    expect(text).toContain('Informazioni generali');
  });

  it('refuses a month that is not one, a municipality not served, and callers who may not read KPIs', async () => {
    expectProblem(await report({ month: '2026-13' }), 400, ['querystring.month']);
    expectProblem(await report({ month: '2026-11', format: 'doc' }), 400, ['querystring.format']);
    expectProblem(await report({ month: '2026-11', municipalityId: 'firenze' }), 404, ['querystring.municipalityId']);
    const operator = await staffClient(api.app, api.t.db, { role: 'operator', municipalities: ['milano'] });
    expectProblem(await operator.inject({ url: '/api/kpi/report?month=2026-11' }), 403);
  });
});
