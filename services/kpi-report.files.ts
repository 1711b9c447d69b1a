import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { MonthlyReport } from '../contracts/kpi.ts';
import { type CsvValue, toCsv } from '../domain/csv.ts';

/**
 * The monthly report as files: CSV and XLSX carry the data (numbers as numbers), the PDF is the
 * report to read, in Italian like the city's own, figures written the Italian way.
 */
const it = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 0 });
const pct = new Intl.NumberFormat('it-IT', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const signedPct = new Intl.NumberFormat('it-IT', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});

export function formatFigure(value: number | null, unit: string): string {
  if (value === null) return '–';
  if (unit === 'ratio') return pct.format(value);
  if (unit === 'seconds') {
    const s = Math.round(value);
    return s >= 60 ? `${Math.floor(s / 60)}min ${s % 60}sec` : `${s}sec`;
  }
  return it.format(value);
}
export const formatChange = (change: number | null) => (change === null ? '–' : signedPct.format(change));

const monthName = (month: string) =>
  new Intl.DateTimeFormat('it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-15T00:00:00Z`));
const lastYearMonth = (month: string) => `${Number(month.slice(0, 4)) - 1}${month.slice(4)}`;

/** One table: section, key, label, value, same month last year, change. */
export function reportCsv(r: MonthlyReport): string {
  const rows: CsvValue[][] = [['section', 'key', 'label', 'value', 'last_year', 'change']];
  for (const k of r.kpis) rows.push(['kpi', k.id, k.label, k.value, k.lastYear, k.change]);
  for (const s of r.topServices) rows.push(['service', s.serviceCode, s.name, s.casesOpened, null, null]);
  for (const t of r.trends) {
    for (const [key, value] of Object.entries(t))
      if (key !== 'month') rows.push([`trend ${t.month}`, key, null, value as number | null, null, null]);
  }
  return toCsv(rows);
}

export async function reportXlsx(r: MonthlyReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Sportello';
  const kpis = book.addWorksheet('KPI');
  kpis.addRow([`Rapporto mensile ${monthName(r.month)} — ${r.title}`]);
  kpis.addRow(['KPI', 'Id', monthName(r.month), monthName(lastYearMonth(r.month)), 'Variazione']);
  for (const k of r.kpis) kpis.addRow([k.label, k.id, k.value, k.lastYear, k.change]);
  const services = book.addWorksheet('Servizi');
  services.addRow(['Servizio', 'Codice', 'Pratiche aperte', 'Quota']);
  for (const s of r.topServices) services.addRow([s.name, s.serviceCode, s.casesOpened, s.share]);
  const trends = book.addWorksheet('Andamento');
  trends.addRow([
    'Mese',
    'Chiamate in ingresso',
    'Chiamate risposte',
    'Tasso di abbandono',
    "Tempo medio d'attesa (s)",
    'Pratiche aperte',
    'Pratiche chiuse',
    'CSAT',
  ]);
  for (const t of r.trends) {
    trends.addRow([
      t.month,
      t.callsOffered,
      t.callsAnswered,
      t.abandonmentRate,
      t.averageSpeedOfAnswerSeconds,
      t.casesOpened,
      t.casesClosed,
      t.csat,
    ]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A table of text rows at fixed column positions, the first row bold. */
function table(doc: PDFKit.PDFDocument, rows: string[][], widths: number[]) {
  const left = doc.page.margins.left;
  rows.forEach((row, i) => {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 20) doc.addPage();
    const y = doc.y;
    doc.font(i === 0 ? 'Helvetica-Bold' : 'Helvetica');
    let x = left;
    row.forEach((cell, j) => {
      doc.text(cell, x, y, { width: widths[j]! - 6, align: j === 0 ? 'left' : 'right', lineBreak: false });
      x += widths[j]!;
    });
    doc.x = left;
    doc.y = y + 15;
  });
  doc.moveDown();
}

export function reportPdf(r: MonthlyReport): Promise<Buffer> {
  // Uncompressed: the figures can be read back from the file (and searched by any tool).
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: false,
    info: { Title: `Rapporto mensile ${r.month}`, Author: 'Sportello' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .text(`Rapporto mensile — ${monthName(r.month)}`);
  doc.font('Helvetica').fontSize(11).text(r.title).moveDown();
  doc.font('Helvetica-Bold').fontSize(13).text('KPI del mese').moveDown(0.5).fontSize(9);
  table(
    doc,
    [
      ['KPI', monthName(r.month), monthName(lastYearMonth(r.month)), 'Variazione %'],
      ...r.kpis.map((k) => [k.label, formatFigure(k.value, k.unit), formatFigure(k.lastYear, k.unit), formatChange(k.change)]),
    ],
    [200, 100, 100, 95],
  );
  doc.font('Helvetica-Bold').fontSize(13).text('Servizi più richiesti', doc.page.margins.left).moveDown(0.5).fontSize(9);
  table(
    doc,
    [
      ['Servizio', 'Pratiche aperte', 'Quota'],
      ...r.topServices.map((s) => [s.name ?? s.serviceCode, it.format(s.casesOpened), pct.format(s.share)]),
    ],
    [250, 120, 125],
  );
  doc.font('Helvetica-Bold').fontSize(13).text('Andamento degli ultimi dodici mesi', doc.page.margins.left).moveDown(0.5).fontSize(8);
  table(
    doc,
    [
      ['Mese', 'Chiamate', 'Risposte', 'Abbandono', 'Attesa media', 'Pratiche aperte', 'Chiuse', 'CSAT'],
      ...r.trends.map((t) => [
        t.month,
        it.format(t.callsOffered),
        it.format(t.callsAnswered),
        formatFigure(t.abandonmentRate, 'ratio'),
        formatFigure(t.averageSpeedOfAnswerSeconds, 'seconds'),
        it.format(t.casesOpened),
        it.format(t.casesClosed),
        formatFigure(t.csat, 'ratio'),
      ]),
    ],
    [55, 65, 65, 60, 70, 70, 55, 55],
  );
  doc.end();
  return done;
}
