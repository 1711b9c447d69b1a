import PDFDocument from 'pdfkit';
import type { CitizenExport } from '../contracts/citizen-export.ts';
import { words } from './citizen-page.words.ts';
import { letterhead, pdfBytes } from './letters.pdf.ts';

/*
 * The citizen's access export as a document to hand over or post: the municipality's letterhead,
 * then one section per kind of data, in Italian (the citizen's page's wording for the timeline),
 * every date in Rome's time. Standard fonts, uncompressed, as the letters (services/letters.pdf.ts).
 */

const when = (iso: string | null) => (iso ? words.it.dateTime(new Date(iso)) : '—');
const day = (iso: string | null) => (iso ? words.it.date(new Date(iso)) : '—');

const channels: Record<string, string> = {
  phone: 'Telefono',
  web: 'Web',
  email: 'E-mail',
  social: 'Social',
  open311: 'App Open311',
  counter: 'Sportello fisico',
  sms: 'SMS',
  io: 'App IO',
  letter: 'Lettera',
};
const outcomes: Record<string, string> = {
  resolved: 'risolta',
  rejected: 'respinta',
  redirected: 'indirizzata a un altro ente',
  withdrawn: 'ritirata',
};
const messageStatus: Record<string, string> = {
  queued: 'in coda',
  sending: 'in invio',
  sent: 'inviato',
  delivered: 'consegnato',
  failed: 'non consegnato',
  cancelled: 'annullato',
};
const endCauses: Record<string, string> = {
  normal: 'conclusa',
  abandoned: 'abbandonata in attesa',
  transferred: 'trasferita',
  busy: 'occupato',
  'no-answer': 'nessuna risposta',
  rejected: 'rifiutata',
  failed: 'non riuscita',
};
const taskStatus: Record<string, string> = { open: 'da prendere in carico', claimed: 'in lavorazione', done: 'conclusa' };
const slaStates: Record<string, string> = { 'on-track': 'nei tempi', warning: 'in scadenza', breached: 'scaduta' };
/** The events the citizen's page does not show, as the office's work on the case. */
const internalEvents: Record<string, string> = {
  'note.added': 'Nota sulla pratica',
  'task.claimed': "L'ufficio ha preso in carico la pratica",
  'task.released': "L'ufficio ha rilasciato la pratica",
  'task.reassigned': 'La pratica è passata a un altro ufficio',
  'task.completed': "Risposta dell'ufficio",
  'task.reminded': "Promemoria all'ufficio",
  'sla.warning': 'Pratica prossima alla scadenza',
  'sla.breached': 'Pratica scaduta',
  'citizen.acknowledged': 'Ti abbiamo inviato la conferma di ricezione',
  'citizen.notified': "Ti abbiamo comunicato l'esito",
  'citizen.reminded': 'Ti abbiamo ricordato le informazioni richieste',
  'callback.scheduled': 'Richiamata programmata',
  'callback.attempted': 'Tentativo di richiamata',
  'callback.answered': 'Richiamata riuscita',
  'callback.failed': 'Richiamata non riuscita',
  'callback.cancelled': 'Richiamata annullata',
  'call.attached': 'Telefonata collegata alla pratica',
  'call.transferred': "Telefonata trasferita all'ufficio",
  'survey.expired': 'Il questionario è scaduto senza risposta',
};
/** The citizen as a case recorded them. */
const caseContactLabels = {
  name: 'Nome indicato',
  phone: 'Telefono indicato',
  email: 'E-mail indicata',
  fiscalCode: 'Codice fiscale indicato',
  address: 'Indirizzo indicato',
} as const;
const oneLine = (s: string | undefined | null) => s?.replace(/\n/g, ', ');

const size = (bytes: number) =>
  bytes < 1024 ? `${bytes} byte` : `${new Intl.NumberFormat('it-IT', { maximumFractionDigits: 1 }).format(bytes / 1024)} kB`;
const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function surveyText(answers: Record<string, unknown>): string {
  const reasons = words.it.survey.reasonWords as Record<string, string>;
  return Object.entries(answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) =>
      k === 'satisfaction'
        ? `Valutazione: ${value(v)} su 5`
        : k === 'reason'
          ? `Motivo: ${reasons[String(v)] ?? value(v)}`
          : k === 'comment'
            ? `Commento: ${value(v)}`
            : `${k}: ${value(v)}`,
    )
    .join(' · ');
}

/** What an event recorded in words the citizen wrote or was told (their text, the office's answer or note). */
function eventText(type: string, data: Record<string, unknown>): string | null {
  if (type === 'survey.answered' && data.answers && typeof data.answers === 'object')
    return surveyText(data.answers as Record<string, unknown>);
  for (const k of ['text', 'answer', 'note', 'reason'] as const) if (typeof data[k] === 'string' && data[k]) return data[k];
  return null;
}

export function citizenExportPdf(x: CitizenExport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 64, right: 64 },
    compress: false,
    bufferPages: true,
    info: { Title: 'Accesso ai dati personali', Author: x.municipality.name },
  });
  const done = pdfBytes(doc);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const text = (s: string, o: PDFKit.Mixins.TextOptions = {}) => doc.text(s, left, doc.y, { width, lineGap: 2, ...o });
  const heading = (s: string) => {
    doc.moveDown(1);
    if (doc.y > doc.page.height - 140) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(13);
    text(s);
    doc.font('Helvetica').fontSize(10).moveDown(0.3);
  };
  const subheading = (s: string) => {
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(11);
    text(s);
    doc.font('Helvetica').fontSize(10);
  };
  const field = (label: string, v: string | null | undefined) => {
    if (v === null || v === undefined || v === '') return;
    doc.font('Helvetica-Bold').text(`${label}: `, left, doc.y, { width, continued: true, lineGap: 2 });
    doc.font('Helvetica').text(v, { lineGap: 2 });
  };
  const item = (s: string) => text(`- ${s}`, { indent: 0 });
  const none = () => text('Nessun dato.', { oblique: true });
  const section = <T>(title: string, rows: T[], each: (r: T) => void) => {
    heading(title);
    if (rows.length === 0) none();
    for (const r of rows) each(r);
  };

  letterhead(doc, x.municipality);
  doc.moveDown(2).font('Helvetica-Bold').fontSize(15);
  text('Accesso ai dati personali');
  doc.font('Helvetica').fontSize(10).moveDown(0.3);
  text(
    `Copia di tutti i dati che ti riguardano conservati dallo sportello del cittadino (${x.municipality.name}), ` +
      "ai sensi dell'art. 15 del Regolamento UE 2016/679. Gli allegati sono elencati, non riprodotti.",
  );
  field('Generato il', when(x.generatedAt));
  field('Scheda anagrafica', x.citizen.id);

  const c = x.citizen;
  heading('Dati anagrafici');
  field('Nome', c.name ?? '—');
  field('Telefoni', c.phones.join(', ') || '—');
  field('E-mail', c.emails.join(', ') || '—');
  field('Codice fiscale', c.fiscalCode ?? '—');
  field('Indirizzo', oneLine(c.address) ?? '—');
  field('Registrato il', when(c.createdAt));
  field('Ultimo aggiornamento', when(c.updatedAt));
  field('Unita alla scheda', c.mergedInto);
  for (const r of x.mergedRecords) {
    item(`Scheda unita a questa: ${r.id} · ${[r.name, ...r.phones, ...r.emails, r.fiscalCode].filter(Boolean).join(' · ')}`);
  }

  section('Richieste', x.cases, (k) => {
    subheading(`Richiesta n. ${k.id}: ${k.subject}`);
    field('Servizio', k.serviceName);
    field('Canale', channels[k.channel] ?? k.channel);
    field('Stato', k.status === 'open' ? 'aperta' : `conclusa${k.outcome ? `: ${outcomes[k.outcome] ?? k.outcome}` : ''}`);
    field('Aperta il', when(k.createdAt));
    field('Conclusa il', k.resolvedAt ? when(k.resolvedAt) : null);
    field('Descrizione', k.description);
    for (const [key, label] of Object.entries(caseContactLabels)) field(label, oneLine(k.citizen[key as keyof typeof caseContactLabels]));
    for (const [key, v] of Object.entries(k.details)) field(key, value(v));
    if (k.location) {
      field(
        'Luogo',
        [k.location.address, k.location.lat !== undefined ? `${k.location.lat}, ${k.location.long}` : null].filter(Boolean).join(' · '),
      );
    }
    if (k.tasks.length) {
      text('Uffici:', { underline: true });
      for (const t of k.tasks) {
        item(
          `${t.officeName}: ${taskStatus[t.status] ?? t.status}, risposta prevista entro il ${day(t.dueAt)} (${slaStates[t.slaState] ?? t.slaState})`,
        );
      }
    }
    text('Cronologia:', { underline: true });
    for (const e of k.timeline) {
      const said = eventText(e.type, e.data);
      const what = e.public ?? internalEvents[e.type] ?? e.type;
      item(`${when(e.at)} · ${what}${said && !what.includes(said) ? `: «${said}»` : ''}`);
    }
  });

  section('Telefonate', x.calls, (k) => {
    const other = k.direction === 'inbound' ? `da ${k.caller} al ${k.called}` : `dal ${k.caller} a ${k.called}`;
    const outcome = k.endCause ? (endCauses[k.endCause] ?? k.endCause) : k.state;
    const wait = k.waitSeconds !== null ? `, attesa ${Math.round(k.waitSeconds)} s` : '';
    item(
      `${when(k.startedAt)} · ${k.direction === 'inbound' ? 'in arrivo' : 'in uscita'} ${other} · ${outcome}${wait}${k.caseId ? ` · richiesta ${k.caseId}` : ''}`,
    );
  });

  section('Messaggi inviati', x.messages, (m) => {
    subheading(
      `${when(m.createdAt)} · ${channels[m.channel] ?? m.channel} a ${oneLine(m.recipient)} · ${messageStatus[m.status] ?? m.status}`,
    );
    field('Richiesta', m.caseId);
    field('Oggetto', m.subject);
    text(m.text);
  });

  section('Lettere', x.letters, (l) => {
    item(
      `${when(l.createdAt)} · ${[l.recipientName, oneLine(l.address)].filter(Boolean).join(', ')}${l.subject ? ` · ${l.subject}` : ''} · ${l.status === 'posted' ? `spedita il ${day(l.postedAt)}` : 'da stampare'}`,
    );
  });

  section('E-mail ricevute', x.inboundMails, (m) => {
    item(`${when(m.receivedAt)} · ${m.outcome === 'case' ? 'ha aperto la richiesta' : 'aggiunta alla richiesta'} ${m.caseId ?? ''}`.trim());
  });

  section('Risposte ai questionari', x.surveyAnswers, (s) => item(`${when(s.at)} · richiesta ${s.caseId} · ${surveyText(s.answers)}`));

  section('Allegati', x.attachments, (a) => {
    item(`${a.fileName} (${a.contentType}, ${size(a.size)}) · ${when(a.createdAt)}${a.caseId ? ` · richiesta ${a.caseId}` : ''}`);
  });

  section('Collegamenti alla tua pagina', x.citizenLinks, (l) => {
    const state = l.revokedAt ? `revocato il ${day(l.revokedAt)}` : l.expiresAt ? `valido fino al ${day(l.expiresAt)}` : 'valido';
    item(`Richiesta ${l.caseId} · creato il ${day(l.createdAt)} · ${state}`);
  });

  section('Unioni di schede', x.merges, (m) => {
    item(
      `${when(m.mergedAt)} · la scheda ${m.sourceId} è stata unita alla scheda ${m.targetId}${m.undoneAt ? ` (unione annullata il ${day(m.undoneAt)})` : ''}`,
    );
  });

  // Every page: the municipality and the page number, in the bottom margin.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .text(`${x.municipality.name} - Accesso ai dati personali - pagina ${i + 1} di ${range.count}`, left, doc.page.height - 40, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
