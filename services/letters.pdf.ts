import PDFDocument from 'pdfkit';
import type { Language } from './messages/templates.ts';

/** What a printed letter says: the municipality's letterhead, the citizen's address, the case, the text. */
export interface LetterContent {
  municipality: { name: string; address?: string | null };
  recipient: { name: string | null; address: string };
  caseId: string | null;
  subject: string | null;
  /** The message as the templates worded it; its last line may be the citizen's page link. */
  text: string;
  language: Language;
  date: Date;
}

const labels = {
  it: { subject: 'Oggetto', request: 'Richiesta n.', footer: 'Comunicazione inviata per posta ordinaria.' },
  en: { subject: 'Subject', request: 'Request no.', footer: 'Sent by ordinary mail.' },
} as const;

/** "2 dicembre 2026": dates in letters are written out, in Rome's time. */
export const letterDate = (date: Date, language: Language) =>
  new Intl.DateTimeFormat(language === 'it' ? 'it-IT' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Rome',
  }).format(date);

/** The municipality's letterhead, at the top left of the first page: every document the municipality prints carries it. */
export function letterhead(doc: PDFKit.PDFDocument, municipality: { name: string; address?: string | null }): void {
  doc.font('Helvetica-Bold').fontSize(16).text(municipality.name, doc.page.margins.left, 56);
  if (municipality.address) doc.font('Helvetica').fontSize(9).text(municipality.address);
}

/** The document's bytes, once it is ended. */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
}

/**
 * An A4 letter laid out for a window envelope (DL, window on the right): the letterhead at the top
 * left, the recipient where the window is, then date, subject and text. Standard fonts only (WinAnsi:
 * Italian accents and € print; an emoji does not), uncompressed so the text can be read back.
 */
export function letterPdf(l: LetterContent): Promise<Buffer> {
  const words = labels[l.language];
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 64, right: 64 },
    compress: false,
    info: { Title: l.subject ?? words.subject, Author: l.municipality.name },
  });
  const done = pdfBytes(doc);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  letterhead(doc, l.municipality);

  // The window of a DL envelope: about 11 cm from the left, 5 cm from the top.
  doc.font('Helvetica').fontSize(11);
  doc.text([l.recipient.name, ...l.recipient.address.split('\n')].filter(Boolean).join('\n'), 312, 150, { width: 220 });

  doc.text(letterDate(l.date, l.language), left, 270, { width, align: 'right' });
  doc.moveDown(2);
  if (l.caseId) doc.font('Helvetica').text(`${words.request} ${l.caseId}`, left);
  if (l.subject) doc.font('Helvetica-Bold').text(`${words.subject}: ${l.subject}`, left);
  doc.moveDown();
  doc.font('Helvetica').fontSize(11);
  const lines = l.text.split('\n');
  const link = lines.length > 1 && /https?:\/\/\S+$/.test(lines.at(-1)!) ? lines.pop()! : null;
  doc.text(lines.join('\n'), left, doc.y, { width, align: 'left', lineGap: 3 });
  if (link) doc.moveDown().font('Helvetica-Bold').text(link, left, doc.y, { width });

  doc
    .font('Helvetica')
    .fontSize(8)
    .text(`${l.municipality.name} - ${words.footer}`, left, doc.page.height - doc.page.margins.bottom - 20, {
      width,
      align: 'center',
      lineBreak: false,
    });
  doc.end();
  return done;
}
