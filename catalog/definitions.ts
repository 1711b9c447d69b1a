import type { ServiceDefinitionInput } from '../domain/service-definition.ts';

/**
 * Version 1 of each demo service's definition, published by the demo seed. Shared by the
 * municipalities that offer the service; `transfer.offices` names each one's competent office.
 */
const callback: ServiceDefinitionInput['callback'] = {
  attempts: 3,
  spacingMinutes: 60,
  window: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '09:00', to: '19:00' },
  fallback: 'sms',
};
const survey: ServiceDefinitionInput['survey'] = {
  enabled: true,
  channel: 'sms',
  waitHours: 72,
  questions: [
    { key: 'satisfaction', text: 'Quanto è soddisfatto della risposta ricevuta? (1-5)', scale: '1-5' },
    { key: 'solved', text: 'Il suo problema è stato risolto?', scale: 'yes-no' },
  ],
};
const allOutcomes: ServiceDefinitionInput['resolution'] = { outcomes: ['resolved', 'rejected', 'redirected', 'withdrawn'] };
const escalate = { type: 'escalate-to-supervisors' } as const;

export const demoDefinitions: ServiceDefinitionInput[] = [
  {
    schemaVersion: 1,
    service: {
      code: 'general-information',
      name: 'Informazioni generali',
      description: 'Richieste di informazione su servizi, orari, sedi e procedure del Comune.',
    },
    intake: { fields: [{ key: 'topic', label: 'Argomento', type: 'text', required: true, maxLength: 200 }] },
    firstLevel: { knowledgeArticles: ['orari-sportelli', 'sedi-anagrafiche'], operatorMayClose: true },
    transfer: { offices: { milano: 'mi-anagrafe', firenze: 'fi-anagrafe' }, mode: 'live-when-open' },
    sla: { office: { targetHours: 16, warningHours: 12, onBreach: escalate } },
    reminders: { officeAfterHours: [8], citizenAfterHours: [] },
    callback,
    resolution: { outcomes: ['resolved', 'redirected', 'withdrawn'] },
    survey,
  },
  {
    schemaVersion: 1,
    service: { code: 'tari-refund', name: 'Rimborso TARI', description: 'Rimborso della tassa rifiuti pagata in eccesso o due volte.' },
    intake: {
      fields: [
        { key: 'taxYear', label: 'Anno d’imposta', type: 'number', required: true },
        { key: 'taxpayerFiscalCode', label: 'Codice fiscale del contribuente', type: 'fiscal-code', required: true },
        {
          key: 'paymentNotice',
          label: 'Numero avviso di pagamento',
          type: 'text',
          pattern: '[0-9]{10,18}',
          help: 'Il codice numerico dell’avviso pagoPA',
        },
        { key: 'iban', label: 'IBAN per il rimborso', type: 'text', pattern: 'IT[0-9]{2}[A-Z][0-9]{10}[0-9A-Z]{12}' },
      ],
    },
    firstLevel: { knowledgeArticles: ['tari-rimborsi', 'tari-scadenze'], operatorMayClose: false },
    transfer: { offices: { milano: 'mi-tributi', firenze: 'fi-tributi' }, mode: 'task-only' },
    sla: { office: { targetHours: 120, warningHours: 96, onBreach: escalate } },
    reminders: { officeAfterHours: [40, 80], citizenAfterHours: [60] },
    callback,
    resolution: allOutcomes,
    survey,
  },
  {
    schemaVersion: 1,
    service: { code: 'change-of-residence', name: 'Cambio di residenza', description: 'Dichiarazione di residenza o cambio di indirizzo.' },
    intake: {
      fields: [
        { key: 'newAddress', label: 'Nuovo indirizzo', type: 'text', required: true, maxLength: 200 },
        { key: 'moveDate', label: 'Data del trasferimento', type: 'date', required: true },
        { key: 'fromAbroad', label: 'Provenienza dall’estero', type: 'boolean' },
      ],
    },
    firstLevel: { knowledgeArticles: ['residenza-documenti'], operatorMayClose: false },
    transfer: { offices: { milano: 'mi-anagrafe', firenze: 'fi-anagrafe' }, mode: 'task-only' },
    // Law: the registry office decides within 45 days; the office's own target is much shorter.
    sla: { office: { targetHours: 56, warningHours: 40, onBreach: escalate } },
    reminders: { officeAfterHours: [24], citizenAfterHours: [] },
    callback,
    resolution: allOutcomes,
    survey,
  },
  {
    schemaVersion: 1,
    service: {
      code: 'area-c-fine-dispute',
      name: 'Contestazione multa Area C',
      description: 'Segnalazione di una sanzione Area C ritenuta non dovuta.',
    },
    intake: {
      fields: [
        { key: 'plate', label: 'Targa', type: 'text', required: true, pattern: '[A-Z]{2}[0-9]{3}[A-Z]{2}' },
        { key: 'violationNumber', label: 'Numero del verbale', type: 'text', required: true, maxLength: 30 },
        {
          key: 'reason',
          label: 'Motivo',
          type: 'select',
          required: true,
          options: [
            { value: 'resident-permit', label: 'Permesso residenti' },
            { value: 'paid-in-time', label: 'Ingresso pagato nei termini' },
            { value: 'vehicle-sold', label: 'Veicolo venduto' },
            { value: 'other', label: 'Altro' },
          ],
        },
      ],
    },
    firstLevel: { knowledgeArticles: ['area-c-regole', 'area-c-ricorsi'], operatorMayClose: false },
    transfer: { offices: { milano: 'mi-mobilita' }, mode: 'task-only' },
    sla: { office: { targetHours: 80, warningHours: 64, onBreach: escalate } },
    reminders: { officeAfterHours: [40], citizenAfterHours: [] },
    callback,
    resolution: allOutcomes,
    survey,
  },
  {
    schemaVersion: 1,
    service: { code: 'pothole-report', name: 'Segnalazione buca stradale', description: 'Buche e dissesti del manto stradale.' },
    intake: {
      fields: [
        { key: 'address', label: 'Indirizzo', type: 'text', required: true, maxLength: 200 },
        { key: 'danger', label: 'Pericolo immediato', type: 'boolean', required: true },
      ],
    },
    firstLevel: { knowledgeArticles: [], operatorMayClose: false },
    transfer: { offices: { milano: 'mi-strade' }, mode: 'task-only' },
    sla: { office: { targetHours: 24, warningHours: 16, onBreach: { type: 'transfer-to-third-level', office: 'mi-pronto-intervento' } } },
    reminders: { officeAfterHours: [8], citizenAfterHours: [] },
    callback,
    resolution: { outcomes: ['resolved', 'redirected'] },
    survey: { ...survey, channel: 'email' },
    // Potholes are the public's business: listed on Open311 for anyone, with the photos apps send.
    publication: { open311: true, location: 'rounded', photos: true },
  },
  {
    schemaVersion: 1,
    service: {
      code: 'nursery-enrolment',
      name: 'Iscrizione asilo nido',
      description: 'Domande di iscrizione ai nidi d’infanzia comunali.',
    },
    intake: {
      fields: [
        { key: 'childFiscalCode', label: 'Codice fiscale del bambino', type: 'fiscal-code', required: true },
        { key: 'preferredNursery', label: 'Nido preferito', type: 'text', maxLength: 120 },
        { key: 'schoolYear', label: 'Anno educativo', type: 'text', required: true, pattern: '20[0-9]{2}/20[0-9]{2}' },
      ],
    },
    firstLevel: { knowledgeArticles: ['nidi-graduatorie'], operatorMayClose: true },
    transfer: { offices: { firenze: 'fi-istruzione' }, mode: 'task-only' },
    sla: { office: { targetHours: 40, warningHours: 30, onBreach: escalate } },
    reminders: { officeAfterHours: [16], citizenAfterHours: [] },
    callback,
    resolution: allOutcomes,
    survey,
  },
  {
    schemaVersion: 1,
    service: {
      code: 'complaint',
      name: 'Reclamo',
      description: 'Reclamo di un cittadino sulla gestione di una sua pratica; aperto dalla pratica stessa.',
    },
    intake: { fields: [{ key: 'relatedCase', label: 'Pratica reclamata', type: 'text', required: true, pattern: 'C-[0-9]{4}-[0-9]{6,}' }] },
    firstLevel: { knowledgeArticles: ['carta-dei-servizi'], operatorMayClose: false },
    transfer: { offices: { milano: 'mi-urp', firenze: 'fi-urp' }, mode: 'task-only' },
    // The charter of services promises an answer to a complaint within 30 days.
    sla: { office: { targetHours: 100, warningHours: 80, onBreach: escalate } },
    reminders: { officeAfterHours: [40], citizenAfterHours: [] },
    callback,
    resolution: allOutcomes,
    survey,
  },
];
