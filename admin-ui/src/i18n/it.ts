import type { Messages } from './en.ts';
import { raItalian } from './ra-it.ts';
import { kpiIt } from './kpi-it.ts';

export const it: Messages = {
  ra: raItalian as Messages['ra'],
  app: {
    menu: { dashboard: 'Cruscotto', newContact: 'Nuova chiamata', myTasks: 'Le mie pratiche', officeQueue: 'Coda dell’ufficio', cases: 'Pratiche' },
    roles: { operator: 'operatore', backoffice: 'back office', designer: 'progettista dei processi', supervisor: 'supervisore', auditor: 'revisore', admin: 'amministratore' },
    status: { open: 'Aperta', resolved: 'Risolta' },
    stage: { intake: 'Primo livello', office: 'All’ufficio', 'waiting-citizen': 'In attesa del cittadino', resolved: 'Risolta', survey: 'Questionario', closed: 'Chiusa' },
    outcome: { resolved: 'Risolta', rejected: 'Respinta', redirected: 'Indirizzata all’ente competente', withdrawn: 'Ritirata dal cittadino' },
    channel: { phone: 'Telefono', web: 'Web', email: 'E-mail', social: 'Social', open311: 'App Open311', counter: 'Sportello fisico' },
    sla: { 'on-track': 'Nei tempi', warning: 'In scadenza', breached: 'Scaduta' },
    taskStatus: { open: 'Da prendere in carico', claimed: 'In lavorazione', done: 'Chiusa' },
    action: {
      confirm: 'Conferma', cancel: 'Annulla', note: 'Nota', outcome: 'Esito',
      resolve: { label: 'Risolvi', title: 'Risolvi la pratica %{id}', done: 'Pratica risolta' },
      transfer: { label: 'Trasferisci all’ufficio', title: 'Trasferisci la pratica %{id}', done: 'Pratica trasferita' },
    },
    cases: {
      empty: 'Ancora nessuna pratica: qui compaiono quelle aperte dagli operatori, da Open311 o dalla linea telefonica.',
      notTransferred: 'Non trasferita a un ufficio', system: 'sistema', serviceDetails: 'Dati del servizio',
    },
    tasks: {
      myEmpty: 'Non hai pratiche in lavorazione: prendine in carico una dalla coda dell’ufficio.',
      queueEmpty: 'La coda è vuota: tutte le pratiche dell’ufficio sono state lavorate.',
      due: 'Scade %{when}',
      claim: { label: 'Prendi in carico', done: 'Pratica presa in carico: ora è tua' },
      release: { label: 'Rilascia', done: 'Pratica rimessa nella coda dell’ufficio' },
      ask: { label: 'Chiedi al cittadino', title: 'Chiedi informazioni al cittadino (%{id})', question: 'Domanda per il cittadino', done: 'Domanda inviata: i tempi sono sospesi fino alla risposta' },
      complete: { label: 'Rispondi e chiudi', title: 'Rispondi e chiudi %{id}', answer: 'Risposta al cittadino', done: 'Risposta inviata, pratica risolta' },
      reassign: { label: 'Passa ad altro ufficio', title: 'Passa a un altro ufficio (%{id})', office: 'Ufficio', reason: 'Motivo', done: 'Pratica passata all’ufficio' },
      bulkReassign: { label: 'Riassegna', title: 'Riassegna %{smart_count} pratica a un altro ufficio |||| Riassegna %{smart_count} pratiche a un altro ufficio', done: '%{ok} riassegnate', failed: '%{id}: %{reason}' },
    },
    dashboard: {
      welcome: 'Buongiorno, %{name}',
      todayCases: 'Pratiche aperte oggi', openCases: 'Pratiche aperte', breachedCases: 'Pratiche oltre la scadenza',
      myTasks: 'Le mie pratiche', officeQueue: 'Coda dell’ufficio (da prendere)', officeBreaches: 'Scadenze superate nel mio ufficio', openTasks: 'Attività aperte',
      recentCases: 'Ultime pratiche', nextTasks: 'Le mie pratiche per scadenza', drafts: 'Versioni delle definizioni',
      startContact: 'Nuova chiamata (Alt+N)', nothing: 'Niente da mostrare.',
    },
    contact: {
      title: 'Nuova chiamata',
      shortcuts: 'Tastiera: Invio conferma il passo corrente · Alt+L ricerca cittadino · Alt+K base di conoscenza · Alt+R risolvi · Alt+T trasferisci · Alt+N nuova chiamata.',
      lookup: { legend: '1. Cittadino', label: 'Telefono, codice fiscale o e-mail', help: 'Il tipo è riconosciuto da ciò che scrivi', submit: 'Cerca', newCitizen: 'Prosegui come nuovo cittadino',
        notFound: 'Nessun cittadino con questo %{key}: prosegui come nuovo cittadino.', invalid: 'Scrivi un numero di telefono, un codice fiscale di 16 caratteri o un indirizzo e-mail',
        found: 'Cittadino trovato', openCases: 'Pratiche aperte', noOpenCases: 'Nessuna pratica aperta.', history: 'Storico dei contatti', noHistory: 'Nessun contatto precedente.',
        inbound: 'dal cittadino', outbound: 'al cittadino' },
      key: { phone: 'numero di telefono', fiscalCode: 'codice fiscale', email: 'indirizzo e-mail' },
      citizen: { name: 'Nome e cognome', phone: 'Telefono', email: 'E-mail', fiscalCode: 'Codice fiscale' },
      request: { legend: '2. Richiesta', municipality: 'Comune', service: 'Servizio', channel: 'Canale', subject: 'Oggetto', description: 'Descrizione',
        details: 'Dati del servizio', mayClose: 'Questo servizio può essere risolto al primo livello.', mustTransfer: 'Questo servizio va sempre trasferito all’ufficio competente.', submit: 'Apri la pratica' },
      invalid: { required: 'Obbligatorio', number: 'Un numero', boolean: 'Sì o no', select: 'Scegli una delle opzioni', date: 'Una data', email: 'Un indirizzo e-mail',
        phone: 'Un numero di telefono da 6 a 15 cifre', 'fiscal-code': 'Un codice fiscale italiano (16 caratteri)', text: 'Non rispetta il formato atteso', textarea: 'Troppo lungo',
        subject: 'Almeno 3 caratteri' },
      fixErrors: 'Alcuni campi vanno corretti.',
      opened: 'Pratica %{id} aperta',
      decide: { legend: '3. Rispondi o trasferisci', resolve: 'Risolvi al primo livello', transfer: 'Trasferisci all’ufficio', resolved: 'Pratica %{id} risolta al primo livello', transferred: 'Pratica %{id} trasferita all’ufficio competente', show: 'Vedi la pratica', next: 'Chiamata successiva' },
      kb: { legend: 'Base di conoscenza', label: 'Cerca nella base di conoscenza', submit: 'Cerca', empty: 'Nessun articolo trovato.', hint: 'Scrivi almeno 2 caratteri.' },
    },
  },
  kpi: kpiIt,
  resources: {
    cases: {
      name: 'Pratica |||| Pratiche',
      fields: {
        id: 'Numero', q: 'Cerca', createdAt: 'Aperta il', updatedAt: 'Aggiornata il', resolvedAt: 'Risolta il', municipalityId: 'Comune', municipalityName: 'Comune',
        serviceName: 'Servizio', channel: 'Canale', subject: 'Oggetto', description: 'Descrizione', status: 'Stato', stage: 'Fase', outcome: 'Esito',
        citizen: { name: 'Cittadino', phone: 'Telefono', email: 'E-mail', fiscalCode: 'Codice fiscale' },
        definitionVersion: 'Versione della definizione', tasks: 'Attività degli uffici', events: 'Cronologia',
        officeName: 'Ufficio', assignee: 'Assegnata a', warningAt: 'Preavviso', dueAt: 'Scadenza', slaState: 'Tempi',
        seq: 'N.', at: 'Quando', type: 'Evento', actor: 'Da', data: 'Dettagli',
      },
    },
    tasks: {
      name: 'Attività |||| Attività',
      fields: { caseId: 'Pratica', subject: 'Oggetto', serviceName: 'Servizio', officeId: 'Ufficio', status: 'Stato', assignee: 'Assegnata a', dueAt: 'Scadenza', slaState: 'Tempi' },
    },
  },
};
