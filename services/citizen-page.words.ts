import type { Outcome } from '../domain/case.ts';
import type { CitizenPageView, PublicEvent } from './citizen-page.service.ts';
import type { surveyReasons } from './citizen-page.service.ts';

/** Every sentence of the citizen's page, in Italian (the default) and English; the access export (citizen-export.pdf.ts) words the timeline with it too. */
export type Lang = 'it' | 'en';
export const languageOf = (q: unknown): Lang => (q === 'en' ? 'en' : 'it');

const date = (lang: Lang, d: Date, withTime = false) =>
  new Intl.DateTimeFormat(lang === 'it' ? 'it-IT' : 'en-GB', {
    timeZone: 'Europe/Rome',
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(d);

const outcomeWords: Record<Lang, Record<Outcome, string>> = {
  it: { resolved: 'risolta', rejected: 'respinta', redirected: 'indirizzata a un altro ente', withdrawn: 'ritirata da te' },
  en: { resolved: 'resolved', rejected: 'rejected', redirected: 'referred to another body', withdrawn: 'withdrawn by you' },
};

type Reason = (typeof surveyReasons)['positive' | 'negative'][number];
const reasonWords: Record<Lang, Record<Reason, string>> = {
  it: {
    clear: 'Le indicazioni erano chiare',
    complete: 'Le indicazioni erano complete',
    'on-track': 'Capivo sempre che stavo procedendo correttamente',
    'no-technical-problems': 'Non ho avuto problemi tecnici',
    unclear: 'A volte le indicazioni non erano chiare',
    incomplete: 'A volte le indicazioni non erano complete',
    lost: 'A volte non capivo se stavo procedendo correttamente',
    'technical-problems': 'Ho avuto problemi tecnici',
    other: 'Altro',
  },
  en: {
    clear: 'The instructions were clear',
    complete: 'The instructions were complete',
    'on-track': 'I always knew I was doing it right',
    'no-technical-problems': 'I had no technical problems',
    unclear: 'At times the instructions were not clear',
    incomplete: 'At times the instructions were incomplete',
    lost: 'At times I did not know whether I was doing it right',
    'technical-problems': 'I had technical problems',
    other: 'Other',
  },
};

export const words = {
  it: {
    skip: 'Vai al contenuto principale',
    otherLanguage: { code: 'en' as Lang, name: 'English', label: 'Read this page in English' },
    site: 'Sportello del cittadino',
    title: (id: string) => `La tua richiesta ${id}`,
    service: 'Servizio',
    opened: 'Aperta il',
    status: 'Stato',
    statusWords: (v: CitizenPageView) =>
      v.stage === 'waiting-citizen'
        ? "L'ufficio attende da te le informazioni richieste"
        : v.status === 'open'
          ? v.stage === 'intake'
            ? 'Ricevuta, in lavorazione allo sportello'
            : "In lavorazione presso l'ufficio competente"
          : `Conclusa: ${v.outcome ? outcomeWords.it[v.outcome] : 'chiusa'}${v.stage === 'survey' ? ' — ti chiediamo un parere' : ''}`,
    expected: 'Risposta prevista entro il',
    timeline: 'Cronologia',
    event: (e: PublicEvent): string => {
      switch (e.kind) {
        case 'opened':
          return 'Abbiamo ricevuto la tua richiesta';
        case 'transferred':
          return "La richiesta è passata all'ufficio competente";
        case 'information-requested':
          return `L'ufficio ti ha chiesto: «${e.question}»`;
        case 'information-received':
          return "Le tue informazioni sono arrivate all'ufficio";
        case 'solicited':
          return "Hai sollecitato l'ufficio";
        case 'complained':
          return "Il tuo reclamo è stato aperto presso l'ufficio relazioni con il pubblico";
        case 'withdrawn':
          return 'Hai ritirato la richiesta';
        case 'resolved':
          return `La richiesta è stata ${e.outcome ? outcomeWords.it[e.outcome] : 'conclusa'}`;
        case 'survey-sent':
          return 'Ti abbiamo chiesto un parere sul servizio';
        case 'survey-answered':
          return 'Grazie: hai dato il tuo parere';
        case 'closed':
          return 'La pratica è chiusa';
      }
    },
    date: (d: Date) => date('it', d),
    dateTime: (d: Date) => date('it', d, true),
    question: "La domanda dell'ufficio",
    inform: {
      heading: 'Invia le informazioni richieste',
      text: 'La tua risposta',
      files: 'Allegati (facoltativi)',
      filesHelp: 'PDF, immagini JPEG, PNG, GIF, WebP o testo; al massimo 10 MB ciascuno.',
      submit: 'Invia la risposta',
      done: "Grazie: le tue informazioni sono state inviate all'ufficio.",
    },
    solicit: {
      heading: 'Sollecita',
      help: "Se la risposta tarda, puoi sollecitare l'ufficio: riceverà subito un promemoria.",
      submit: 'Invia un sollecito',
      done: "Sollecito inviato: l'ufficio ha ricevuto un promemoria.",
    },
    complain: {
      heading: 'Presenta un reclamo',
      help: "Se non sei soddisfatto di come viene seguita la richiesta, il reclamo va all'ufficio relazioni con il pubblico.",
      text: 'Il motivo del reclamo',
      submit: 'Invia il reclamo',
      done: 'Reclamo inviato: ti risponderà l’ufficio relazioni con il pubblico.',
    },
    withdraw: {
      heading: 'Ritira la richiesta',
      help: 'Se non ti serve più, puoi ritirarla: la pratica si chiude.',
      confirm: 'Confermo di voler ritirare la richiesta',
      submit: 'Ritira la richiesta',
      done: 'La richiesta è stata ritirata.',
    },
    survey: {
      heading: 'Quanto sei soddisfatto del servizio?',
      rating: 'Valuta da 1 a 5 stelle',
      stars: (n: number) => `${n} ${n === 1 ? 'stella' : 'stelle'} su 5`,
      reason: 'Il motivo della tua valutazione',
      choose: 'Scegli un motivo',
      positive: 'Se hai dato 4 o 5 stelle: quali aspetti hai preferito?',
      negative: 'Se hai dato da 1 a 3 stelle: dove hai incontrato le maggiori difficoltà?',
      reasonWords: reasonWords.it,
      comment: 'Vuoi aggiungere altri dettagli? (facoltativo, al massimo 200 caratteri)',
      submit: 'Invia la valutazione',
      done: 'Grazie per la tua valutazione.',
    },
    error: 'Non è stato possibile completare la richiesta',
    gone: {
      revoked: {
        title: 'Questo collegamento non è più valido',
        body: 'Il Comune lo ha revocato. Troverai il nuovo collegamento nel prossimo messaggio che ti invieremo, oppure contatta lo sportello.',
      },
      expired: {
        title: 'Questo collegamento è scaduto',
        body: 'La pratica è chiusa da tempo. Per informazioni contatta lo sportello del tuo Comune.',
      },
      unknown: { title: 'Pagina non trovata', body: 'Controlla di aver copiato per intero il collegamento ricevuto nel messaggio.' },
    },
    tooMany: 'Troppe richieste: riprova tra un minuto.',
    footer: 'Questa pagina è riservata a te: non inoltrare il collegamento.',
  },
  en: {
    skip: 'Skip to main content',
    otherLanguage: { code: 'it' as Lang, name: 'Italiano', label: 'Leggi questa pagina in italiano' },
    site: "Citizens' help desk",
    title: (id: string) => `Your request ${id}`,
    service: 'Service',
    opened: 'Opened on',
    status: 'Status',
    statusWords: (v: CitizenPageView) =>
      v.stage === 'waiting-citizen'
        ? 'The office is waiting for the information it asked you for'
        : v.status === 'open'
          ? v.stage === 'intake'
            ? 'Received, being handled at the help desk'
            : 'Being handled by the competent office'
          : `Concluded: ${v.outcome ? outcomeWords.en[v.outcome] : 'closed'}${v.stage === 'survey' ? ' — we would like your opinion' : ''}`,
    expected: 'Answer expected by',
    timeline: 'Timeline',
    event: (e: PublicEvent): string => {
      switch (e.kind) {
        case 'opened':
          return 'We received your request';
        case 'transferred':
          return 'The request went to the competent office';
        case 'information-requested':
          return `The office asked you: “${e.question}”`;
        case 'information-received':
          return 'Your information reached the office';
        case 'solicited':
          return 'You sent the office a reminder';
        case 'complained':
          return 'Your complaint was opened with the public relations office';
        case 'withdrawn':
          return 'You withdrew the request';
        case 'resolved':
          return `The request was ${e.outcome ? outcomeWords.en[e.outcome] : 'concluded'}`;
        case 'survey-sent':
          return 'We asked for your opinion of the service';
        case 'survey-answered':
          return 'Thank you: you gave your opinion';
        case 'closed':
          return 'The case is closed';
      }
    },
    date: (d: Date) => date('en', d),
    dateTime: (d: Date) => date('en', d, true),
    question: "The office's question",
    inform: {
      heading: 'Send the information asked for',
      text: 'Your answer',
      files: 'Attachments (optional)',
      filesHelp: 'PDF, JPEG, PNG, GIF or WebP images, or text; at most 10 MB each.',
      submit: 'Send the answer',
      done: 'Thank you: your information was sent to the office.',
    },
    solicit: {
      heading: 'Send a reminder',
      help: 'If the answer is late, you can remind the office: it is told at once.',
      submit: 'Send a reminder',
      done: 'Reminder sent: the office was told.',
    },
    complain: {
      heading: 'Make a complaint',
      help: 'If you are unhappy with how the request is handled, the complaint goes to the public relations office.',
      text: 'What the complaint is about',
      submit: 'Send the complaint',
      done: 'Complaint sent: the public relations office will answer you.',
    },
    withdraw: {
      heading: 'Withdraw the request',
      help: 'If you no longer need it, you can withdraw it: the case closes.',
      confirm: 'I confirm I want to withdraw the request',
      submit: 'Withdraw the request',
      done: 'The request was withdrawn.',
    },
    survey: {
      heading: 'How satisfied are you with the service?',
      rating: 'Rate from 1 to 5 stars',
      stars: (n: number) => `${n} ${n === 1 ? 'star' : 'stars'} out of 5`,
      reason: 'Why this rating',
      choose: 'Choose a reason',
      positive: 'If you gave 4 or 5 stars: what did you like best?',
      negative: 'If you gave 1 to 3 stars: where did you have most difficulty?',
      reasonWords: reasonWords.en,
      comment: 'Anything to add? (optional, at most 200 characters)',
      submit: 'Send the rating',
      done: 'Thank you for your rating.',
    },
    error: 'The request could not be completed',
    gone: {
      revoked: {
        title: 'This link is no longer valid',
        body: 'The municipality revoked it. The next message we send you will carry the new link, or contact the help desk.',
      },
      expired: {
        title: 'This link has expired',
        body: "The case was closed some time ago. Contact your municipality's help desk for information.",
      },
      unknown: { title: 'Page not found', body: 'Check that you copied the whole link from the message.' },
    },
    tooMany: 'Too many requests: try again in a minute.',
    footer: 'This page is for you only: do not forward the link.',
  },
} as const;
export type Words = (typeof words)[Lang];
