import type { Outcome } from '../../domain/case.ts';

export type Language = 'it' | 'en';
/** Cases carry no language yet: every message is in Italian until they do. */
export const defaultLanguage: Language = 'it';

/**
 * What happened, as a workflow tells it: one message per event, with the facts its wording needs.
 * The activity that writes the message renders it in the recipient's language.
 */
export type CitizenMessage =
  /** The case is opened: its number, and (with the page link) where to follow it. */
  | { event: 'case.acknowledged'; data: Record<string, never> }
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
export type CitizenEvent = CitizenMessage['event'];
export const languages = ['it', 'en'] as const satisfies readonly Language[];

/** What a message of an event carries: the facts its wording needs. */
export type DataOf<E extends MessageEvent> = Extract<Message, { event: E }>['data'];
/** Every key of every variant of the data (`sla.breached` has `action` in both and `from` in one). */
type KeysOf<T> = T extends unknown ? keyof T & string : never;

/**
 * How an event is worded, one entry per event of the unions above (TypeScript refuses a missing
 * one): who reads it, sample data for the console's preview, the value of each placeholder, and
 * the default subject and body in each language. Templates are text with named placeholders,
 * `{caseId}` and one for each field of the event's data (its `values` must give them all); a
 * citizen's also `{pageUrl}`, the link to their page of the case.
 */
export interface EventWording<E extends MessageEvent> {
  audience: E extends CitizenEvent ? 'citizen' : 'office';
  sample: DataOf<E>;
  /** The data as words in the message's language (an outcome's phrase, a list of questions). */
  values: (data: DataOf<E>, language: Language) => Record<KeysOf<DataOf<E>>, string>;
  subject: Record<Language, string>;
  body: Record<Language, string>;
}
export type Wordings = { [E in MessageEvent]: EventWording<E> };

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
const noOutcome: Record<Language, string> = { it: 'è stata aggiornata', en: 'has been updated' };

const none = () => ({});
const sampleDue = '03/12/2026 12:00';

// The citizen's messages name the sender and the request; the office's name the case. The subject
// of written messages (e-mail, App IO, letters) leads with the case number, so replies find their case.
export const wordings: Wordings = {
  'case.acknowledged': {
    audience: 'citizen',
    sample: {},
    values: none,
    subject: { it: 'Richiesta {caseId}: ricevuta', en: 'Request {caseId}: received' },
    body: {
      it: 'Comune - abbiamo ricevuto la sua richiesta {caseId}. Conservi questo numero: la terremo informata.',
      en: 'Municipality - we received your request {caseId}. Keep this number: we will keep you informed.',
    },
  },
  'case.resolved': {
    audience: 'citizen',
    sample: { outcome: 'resolved' },
    values: ({ outcome }, language) => ({ outcome: outcome ? outcomeText[language][outcome] : noOutcome[language] }),
    subject: { it: 'Richiesta {caseId}: esito', en: 'Request {caseId}: outcome' },
    body: { it: 'Comune - la sua richiesta {caseId} {outcome}.', en: 'Municipality - your request {caseId} {outcome}.' },
  },
  'citizen.reminded': {
    audience: 'citizen',
    sample: {},
    values: none,
    subject: { it: 'Richiesta {caseId}: stiamo lavorando', en: 'Request {caseId}: in progress' },
    body: {
      it: 'Comune - richiesta {caseId}: stiamo lavorando alla sua richiesta.',
      en: 'Municipality - request {caseId}: we are working on your request.',
    },
  },
  'information.requested': {
    audience: 'citizen',
    sample: { question: 'il numero della bolletta' },
    values: ({ question }) => ({ question }),
    subject: { it: 'Richiesta {caseId}: ci servono informazioni', en: 'Request {caseId}: information needed' },
    body: {
      it: 'Comune - richiesta {caseId}: per procedere ci serve: {question}.',
      en: 'Municipality - request {caseId}: to go on we need: {question}.',
    },
  },
  'survey.sent': {
    audience: 'citizen',
    sample: { questions: ['Quanto è soddisfatto della risposta (da 1 a 5)?'] },
    values: ({ questions }) => ({ questions: questions.join(' ') }),
    subject: { it: "Richiesta {caseId}: com'è andata?", en: 'Request {caseId}: how did it go?' },
    body: { it: "Comune - com'è andata la richiesta {caseId}? {questions}", en: 'Municipality - how did request {caseId} go? {questions}' },
  },
  'citizen.text': {
    audience: 'citizen',
    sample: { text: 'la sua pratica è in lavorazione' },
    values: ({ text }) => ({ text }),
    subject: { it: 'Richiesta {caseId}', en: 'Request {caseId}' },
    body: { it: 'Comune - richiesta {caseId}: {text}.', en: 'Municipality - request {caseId}: {text}.' },
  },
  'task.reminded': {
    audience: 'office',
    sample: { dueAt: sampleDue },
    values: ({ dueAt }) => ({ dueAt }),
    subject: { it: 'Pratica {caseId}: promemoria', en: 'Case {caseId}: reminder' },
    body: { it: 'Pratica {caseId}: promemoria: la pratica scade il {dueAt}', en: 'Case {caseId}: reminder: the case is due on {dueAt}' },
  },
  'sla.warning': {
    audience: 'office',
    sample: { dueAt: sampleDue },
    values: ({ dueAt }) => ({ dueAt }),
    subject: { it: 'Pratica {caseId}: prossima alla scadenza', en: 'Case {caseId}: nearly due' },
    body: { it: 'Pratica {caseId}: la pratica è prossima alla scadenza ({dueAt})', en: 'Case {caseId}: the case is nearly due ({dueAt})' },
  },
  'sla.breached': {
    audience: 'office',
    sample: { action: 'transfer-to-third-level', from: 'mi-tributi' },
    // `{action}` says what was done; `{from}` is the office the case left (empty when it was escalated).
    values: (d, language) => {
      const from = d.action === 'transfer-to-third-level' ? d.from : '';
      const escalated = d.action === 'escalate-to-supervisors';
      const action = {
        it: escalated ? 'segnalata ai supervisori' : `trasferita dall'ufficio ${from}`,
        en: escalated ? 'reported to the supervisors' : `transferred from office ${from}`,
      }[language];
      return { action, from };
    },
    subject: { it: 'Pratica {caseId}: scaduta', en: 'Case {caseId}: overdue' },
    body: { it: 'Pratica {caseId}: pratica scaduta: {action}', en: 'Case {caseId}: case overdue: {action}' },
  },
  'citizen.solicited': {
    audience: 'office',
    sample: { count: 2 },
    values: ({ count }) => ({ count: String(count) }),
    subject: { it: 'Pratica {caseId}: sollecito del cittadino', en: 'Case {caseId}: the citizen asked after it' },
    body: {
      it: 'Pratica {caseId}: il cittadino ha sollecitato la pratica ({count}° sollecito)',
      en: 'Case {caseId}: the citizen asked after the case (reminder no. {count})',
    },
  },
  'information.received': {
    audience: 'office',
    sample: {},
    values: none,
    subject: { it: 'Pratica {caseId}: informazioni ricevute', en: 'Case {caseId}: information received' },
    body: {
      it: 'Pratica {caseId}: il cittadino ha inviato le informazioni richieste',
      en: 'Case {caseId}: the citizen sent the information asked for',
    },
  },
  'office.text': {
    audience: 'office',
    sample: { text: 'la pratica è stata aggiornata' },
    values: ({ text }) => ({ text }),
    subject: { it: 'Pratica {caseId}', en: 'Case {caseId}' },
    body: { it: 'Pratica {caseId}: {text}', en: 'Case {caseId}: {text}' },
  },
};

export const messageEvents = Object.keys(wordings) as MessageEvent[];
export const isMessageEvent = (event: string): event is MessageEvent => Object.hasOwn(wordings, event);

/**
 * The placeholders a template of the event may use, derived from its wording: `{caseId}`, one per
 * field of its data, and `{pageUrl}` for a citizen's.
 */
export function placeholdersOf(event: MessageEvent): string[] {
  const w = wordings[event] as EventWording<MessageEvent>;
  const own = Object.keys(w.values(w.sample as never, defaultLanguage));
  return ['caseId', ...own, ...(w.audience === 'citizen' ? ['pageUrl'] : [])];
}

/** The line that ends every message to a citizen whose template does not place `{pageUrl}` itself. */
export const pageLinkLine: Record<Language, (url: string) => string> = {
  it: (url) => `Segua la richiesta: ${url}`,
  en: (url) => `Follow your request: ${url}`,
};
