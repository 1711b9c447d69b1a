import type { LineInput } from '../domain/line.ts';

/** The demo lines; their CTI webhook tokens are for the demo only (production tokens are set by an administrator). */
export const demoLines: (LineInput & { ctiToken: string })[] = [
  {
    id: 'mi-020202',
    municipalityId: 'milano',
    calendarId: 'mi-020202',
    numbers: ['020202', '+39020202'],
    ctiToken: 'demo-cti-token-020202',
    config: {
      name: 'Milano 020202',
      ivr: {
        menu: 'principale',
        options: {
          1: { topic: 'Informazioni generali', serviceCode: 'general-information', queue: 'mi-informazioni' },
          2: { topic: 'Tributi e TARI', serviceCode: 'tari-refund', queue: 'mi-tributi' },
          3: { topic: 'Anagrafe e residenza', serviceCode: 'change-of-residence', queue: 'mi-anagrafe' },
          4: { topic: 'Area C', serviceCode: 'area-c-fine-dispute', queue: 'mi-informazioni' },
          9: { topic: 'Ufficio Tributi (secondo livello)', serviceCode: 'tari-refund', transferTo: '0288451111', officeId: 'mi-tributi' },
        },
      },
      queues: [
        { id: 'mi-informazioni', name: 'Informazioni' },
        { id: 'mi-tributi', name: 'Tributi' },
        { id: 'mi-anagrafe', name: 'Anagrafe' },
      ],
      profiled: { numbers: [{ number: '+393401234000', profile: 'elderly' }], priorityNumber: '0202029' },
      whenClosed: 'ivr',
      callback: {
        attempts: 3,
        spacingMinutes: 30,
        minWaitSeconds: 20,
        fallbackSms: 'Comune di Milano - 020202: abbiamo provato a richiamarla senza risposta. Può richiamarci dal lunedì al sabato.',
      },
    },
  },
  {
    id: 'fi-055055',
    municipalityId: 'firenze',
    calendarId: 'fi-055055',
    numbers: ['055055', '+39055055'],
    ctiToken: 'demo-cti-token-055055',
    config: {
      name: 'Linea Comune 055055',
      ivr: {
        menu: 'principale',
        options: {
          1: { topic: 'Informazioni generali', serviceCode: 'general-information', queue: 'fi-informazioni' },
          2: { topic: 'Tributi', serviceCode: 'tari-refund', queue: 'fi-informazioni' },
          3: { topic: 'Asili nido', serviceCode: 'nursery-enrolment', queue: 'fi-istruzione' },
          9: { topic: 'Anagrafe (secondo livello)', serviceCode: 'change-of-residence', transferTo: '0552762222', officeId: 'fi-anagrafe' },
        },
      },
      queues: [
        { id: 'fi-informazioni', name: 'Informazioni' },
        { id: 'fi-istruzione', name: 'Servizi all’infanzia' },
      ],
      profiled: { numbers: [], priorityNumber: null },
      whenClosed: 'reject',
      callback: {
        attempts: 2,
        spacingMinutes: 60,
        minWaitSeconds: 30,
        fallbackSms: 'Comune di Firenze - 055055: non siamo riusciti a richiamarla. Può richiamarci dal lunedì al sabato, 8-20.',
      },
    },
  },
];
