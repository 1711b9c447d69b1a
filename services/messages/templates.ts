import type { Outcome } from '../../domain/case.ts';

export type Language = 'it' | 'en';
/** Cases carry no language yet: every message is in Italian until they do. */
export const defaultLanguage: Language = 'it';

/**
 * What happened, as a workflow tells it: one message per event, with the facts its wording needs.
 * The activity that writes the message renders it in the recipient's language.
 */
export type CitizenMessage =
  /** The case is resolved (or, in old cases, closed): the outcome in writing. */
  | { event: 'case.resolved'; data: { outcome: Outcome | null } }
  | { event: 'citizen.reminded'; data: Record<string, never> }
  | { event: 'information.requested'; data: { question: string } }
  /** The definition's questions, in the definition's own words. */
  | { event: 'survey.sent'; data: { questions: string[] } }
  /** Worded by workflow code of before the templates: a message still in flight during the upgrade. */
  | { event: 'citizen.text'; data: { text: string } };

export type OfficeMessage =
  | { event: 'task.reminded'; data: { dueAt: string } }
  | { event: 'sla.warning'; data: { dueAt: string } }
  | { event: 'sla.breached'; data: { action: 'escalate-to-supervisors' } | { action: 'transfer-to-third-level'; from: string } }
  | { event: 'citizen.solicited'; data: { count: number } }
  | { event: 'information.received'; data: Record<string, never> }
  /** As `citizen.text`, for the office. */
  | { event: 'office.text'; data: { text: string } };

export type Message = CitizenMessage | OfficeMessage;
export type MessageEvent = Message['event'];
export type Template<E extends MessageEvent> = (data: Extract<Message, { event: E }>['data'], caseId: string) => string;
export type Templates = { [E in MessageEvent]: Record<Language, Template<E>> };
/** A municipality's own wording, event by event and language by language; the default fills the rest. */
export type MunicipalTemplates = { [E in MessageEvent]?: Partial<Record<Language, Template<E>>> };

const outcomeText: Record<Language, Record<Outcome, string>> = {
  it: {
    resolved: 'è stata risolta',
    rejected: 'è stata respinta',
    redirected: "è stata inoltrata all'ente competente",
    withdrawn: 'è stata ritirata',
  },
  en: {
    resolved: 'has been resolved',
    rejected: 'has been rejected',
    redirected: 'has been passed to the competent authority',
    withdrawn: 'has been withdrawn',
  },
};

// The citizen's messages name the sender and the request; the office's name the case.
const citizen = {
  it: (caseId: string, text: string) => `Comune - richiesta ${caseId}: ${text}.`,
  en: (caseId: string, text: string) => `Municipality - request ${caseId}: ${text}.`,
};
const office = {
  it: (caseId: string, text: string) => `Pratica ${caseId}: ${text}`,
  en: (caseId: string, text: string) => `Case ${caseId}: ${text}`,
};

export const defaultTemplates: Templates = {
  'case.resolved': {
    it: ({ outcome }, caseId) => `Comune - la sua richiesta ${caseId} ${outcome ? outcomeText.it[outcome] : 'è stata aggiornata'}.`,
    en: ({ outcome }, caseId) => `Municipality - your request ${caseId} ${outcome ? outcomeText.en[outcome] : 'has been updated'}.`,
  },
  'citizen.reminded': {
    it: (_, caseId) => citizen.it(caseId, 'stiamo lavorando alla sua richiesta'),
    en: (_, caseId) => citizen.en(caseId, 'we are working on your request'),
  },
  'information.requested': {
    it: ({ question }, caseId) => citizen.it(caseId, `per procedere ci serve: ${question}`),
    en: ({ question }, caseId) => citizen.en(caseId, `to go on we need: ${question}`),
  },
  'survey.sent': {
    it: ({ questions }, caseId) => `Comune - com'è andata la richiesta ${caseId}? ${questions.join(' ')}`,
    en: ({ questions }, caseId) => `Municipality - how did request ${caseId} go? ${questions.join(' ')}`,
  },
  'citizen.text': { it: ({ text }, caseId) => citizen.it(caseId, text), en: ({ text }, caseId) => citizen.en(caseId, text) },
  'task.reminded': {
    it: ({ dueAt }, caseId) => office.it(caseId, `promemoria: la pratica scade il ${dueAt}`),
    en: ({ dueAt }, caseId) => office.en(caseId, `reminder: the case is due on ${dueAt}`),
  },
  'sla.warning': {
    it: ({ dueAt }, caseId) => office.it(caseId, `la pratica è prossima alla scadenza (${dueAt})`),
    en: ({ dueAt }, caseId) => office.en(caseId, `the case is nearly due (${dueAt})`),
  },
  'sla.breached': {
    it: (d, caseId) =>
      office.it(
        caseId,
        d.action === 'escalate-to-supervisors'
          ? 'pratica scaduta: segnalata ai supervisori'
          : `pratica scaduta: trasferita dall'ufficio ${d.from}`,
      ),
    en: (d, caseId) =>
      office.en(
        caseId,
        d.action === 'escalate-to-supervisors'
          ? 'case overdue: reported to the supervisors'
          : `case overdue: transferred from office ${d.from}`,
      ),
  },
  'citizen.solicited': {
    it: ({ count }, caseId) => office.it(caseId, `il cittadino ha sollecitato la pratica (${count}° sollecito)`),
    en: ({ count }, caseId) => office.en(caseId, `the citizen asked after the case (reminder no. ${count})`),
  },
  'information.received': {
    it: (_, caseId) => office.it(caseId, 'il cittadino ha inviato le informazioni richieste'),
    en: (_, caseId) => office.en(caseId, 'the citizen sent the information asked for'),
  },
  'office.text': { it: ({ text }, caseId) => office.it(caseId, text), en: ({ text }, caseId) => office.en(caseId, text) },
};

/** Wording of a municipality's own, by municipality id: none yet, every municipality speaks with the default. */
export const municipalTemplates: Record<string, MunicipalTemplates> = {};

/** The subject line of written messages (e-mail, App IO, letters): the case number leads, so replies find their case. */
export const defaultSubjects: Record<MessageEvent, Record<Language, (caseId: string) => string>> = {
  'case.resolved': { it: (c) => `Richiesta ${c}: esito`, en: (c) => `Request ${c}: outcome` },
  'citizen.reminded': { it: (c) => `Richiesta ${c}: stiamo lavorando`, en: (c) => `Request ${c}: in progress` },
  'information.requested': { it: (c) => `Richiesta ${c}: ci servono informazioni`, en: (c) => `Request ${c}: information needed` },
  'survey.sent': { it: (c) => `Richiesta ${c}: com'è andata?`, en: (c) => `Request ${c}: how did it go?` },
  'citizen.text': { it: (c) => `Richiesta ${c}`, en: (c) => `Request ${c}` },
  'task.reminded': { it: (c) => `Pratica ${c}: promemoria`, en: (c) => `Case ${c}: reminder` },
  'sla.warning': { it: (c) => `Pratica ${c}: prossima alla scadenza`, en: (c) => `Case ${c}: nearly due` },
  'sla.breached': { it: (c) => `Pratica ${c}: scaduta`, en: (c) => `Case ${c}: overdue` },
  'citizen.solicited': { it: (c) => `Pratica ${c}: sollecito del cittadino`, en: (c) => `Case ${c}: the citizen asked after it` },
  'information.received': { it: (c) => `Pratica ${c}: informazioni ricevute`, en: (c) => `Case ${c}: information received` },
  'office.text': { it: (c) => `Pratica ${c}`, en: (c) => `Case ${c}` },
};

/** The line that ends every message to a citizen when the case has a page of its own. */
export const pageLinkLine: Record<Language, (url: string) => string> = {
  it: (url) => `Segua la richiesta: ${url}`,
  en: (url) => `Follow your request: ${url}`,
};
