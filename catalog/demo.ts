import type { CaseIntake, StaffRole } from '../domain/case.ts';

/**
 * Demo reference data: Milan's 020202 and Florence's 055055 with a few of their offices,
 * one staff user per role and the services citizens ask for most.
 */
export const demoMunicipalities = [
  { id: 'milano', name: 'Comune di Milano', istat_code: '015146' },
  { id: 'firenze', name: 'Comune di Firenze', istat_code: '048017' },
];

export const demoOffices = [
  {
    id: 'mi-tributi',
    municipality_id: 'milano',
    name: 'Area Tributi',
    email: 'tributi@comune.milano.example',
    phone: '0288451111',
    calendar_id: 'mi-uffici',
  },
  {
    id: 'mi-anagrafe',
    municipality_id: 'milano',
    name: 'Servizi Civici - Anagrafe',
    email: 'anagrafe@comune.milano.example',
    phone: '0288462222',
    calendar_id: 'mi-uffici',
  },
  {
    id: 'mi-mobilita',
    municipality_id: 'milano',
    name: 'Mobilità - Area C',
    email: 'areac@comune.milano.example',
    phone: '0288463333',
    calendar_id: 'mi-uffici',
  },
  {
    id: 'mi-strade',
    municipality_id: 'milano',
    name: 'Manutenzione Strade',
    email: 'strade@comune.milano.example',
    phone: '0288464444',
    calendar_id: 'mi-uffici',
  },
  {
    id: 'mi-pronto-intervento',
    municipality_id: 'milano',
    name: 'Pronto Intervento Strade (terzo livello)',
    email: 'prontointervento@comune.milano.example',
    phone: '0288465555',
    calendar_id: 'mi-uffici',
  },
  {
    id: 'mi-urp',
    municipality_id: 'milano',
    name: 'Ufficio Relazioni con il Pubblico',
    email: 'urp@comune.milano.example',
    phone: '0288460000',
    calendar_id: 'mi-uffici',
  },
  {
    id: 'fi-urp',
    municipality_id: 'firenze',
    name: 'Ufficio Relazioni con il Pubblico',
    email: 'urp@comune.fi.example',
    phone: '0552760000',
    calendar_id: 'fi-uffici',
  },
  {
    id: 'fi-tributi',
    municipality_id: 'firenze',
    name: 'Direzione Risorse Finanziarie - Tributi',
    email: 'tributi@comune.fi.example',
    phone: '0552761111',
    calendar_id: 'fi-uffici',
  },
  {
    id: 'fi-anagrafe',
    municipality_id: 'firenze',
    name: 'Anagrafe',
    email: 'anagrafe@comune.fi.example',
    phone: '0552762222',
    calendar_id: 'fi-uffici',
  },
  {
    id: 'fi-istruzione',
    municipality_id: 'firenze',
    name: 'Servizi all’Infanzia',
    email: 'infanzia@comune.fi.example',
    phone: '0552763333',
    calendar_id: 'fi-uffici',
  },
];

export const demoServices = [
  { municipality_id: 'milano', code: 'general-information', name: 'Informazioni generali', office_id: 'mi-anagrafe' },
  { municipality_id: 'milano', code: 'tari-refund', name: 'Rimborso TARI', office_id: 'mi-tributi' },
  { municipality_id: 'milano', code: 'change-of-residence', name: 'Cambio di residenza', office_id: 'mi-anagrafe' },
  { municipality_id: 'milano', code: 'area-c-fine-dispute', name: 'Contestazione multa Area C', office_id: 'mi-mobilita' },
  { municipality_id: 'milano', code: 'pothole-report', name: 'Segnalazione buca stradale', office_id: 'mi-strade' },
  { municipality_id: 'milano', code: 'complaint', name: 'Reclamo', office_id: 'mi-urp' },
  { municipality_id: 'firenze', code: 'complaint', name: 'Reclamo', office_id: 'fi-urp' },
  { municipality_id: 'firenze', code: 'general-information', name: 'Informazioni generali', office_id: 'fi-anagrafe' },
  { municipality_id: 'firenze', code: 'tari-refund', name: 'Rimborso TARI', office_id: 'fi-tributi' },
  { municipality_id: 'firenze', code: 'change-of-residence', name: 'Cambio di residenza', office_id: 'fi-anagrafe' },
  { municipality_id: 'firenze', code: 'nursery-enrolment', name: 'Iscrizione asilo nido', office_id: 'fi-istruzione' },
];

/** Every demo account's password (printed by `npm start`); real accounts get theirs from an admin. */
export const demoPassword = 'sportello-demo';

export const demoStaff: {
  id: string;
  display_name: string;
  email: string;
  role: StaffRole;
  office_id: string | null;
  municipalities: string[];
}[] = [
  {
    id: 'giulia.operatrice',
    display_name: 'Giulia Rossi',
    email: 'giulia.rossi@020202.example',
    role: 'operator',
    office_id: null,
    municipalities: ['milano'],
  },
  {
    id: 'lorenzo.operatore',
    display_name: 'Lorenzo Bianchi',
    email: 'lorenzo.bianchi@055055.example',
    role: 'operator',
    office_id: null,
    municipalities: ['firenze'],
  },
  {
    id: 'marco.tributi',
    display_name: 'Marco Colombo',
    email: 'marco.colombo@comune.milano.example',
    role: 'backoffice',
    office_id: 'mi-tributi',
    municipalities: ['milano'],
  },
  {
    id: 'sara.anagrafe',
    display_name: 'Sara Conti',
    email: 'sara.conti@comune.fi.example',
    role: 'backoffice',
    office_id: 'fi-anagrafe',
    municipalities: ['firenze'],
  },
  {
    id: 'elena.processi',
    display_name: 'Elena Ricci',
    email: 'elena.ricci@comune.milano.example',
    role: 'designer',
    office_id: null,
    municipalities: ['milano', 'firenze'],
  },
  {
    id: 'paolo.supervisore',
    display_name: 'Paolo Greco',
    email: 'paolo.greco@020202.example',
    role: 'supervisor',
    office_id: null,
    municipalities: ['milano'],
  },
  {
    id: 'anna.revisora',
    display_name: 'Anna Marino',
    email: 'anna.marino@comune.milano.example',
    role: 'auditor',
    office_id: null,
    municipalities: ['milano', 'firenze'],
  },
  {
    id: 'admin',
    display_name: 'Amministratore',
    email: 'admin@sportello.example',
    role: 'admin',
    office_id: null,
    municipalities: ['milano', 'firenze'],
  },
];

/** Opened through the API with fixed idempotency keys, so a restart never opens them twice. */
export const demoCases: { key: string; intake: CaseIntake }[] = [
  {
    key: 'demo-case-1',
    intake: {
      municipalityId: 'milano',
      serviceCode: 'tari-refund',
      channel: 'phone',
      subject: 'Rimborso TARI 2025 pagata due volte',
      description: 'La cittadina ha pagato due volte la seconda rata TARI 2025 e chiede il rimborso.',
      citizen: { name: 'Maria Bianchi', phone: '+393331234567', fiscalCode: 'BNCMRA70A41F205X' },
      details: { taxYear: 2025, taxpayerFiscalCode: 'BNCMRA70A41F205X', iban: 'IT60X0542811101000000123456' },
    },
  },
  {
    key: 'demo-case-2',
    intake: {
      municipalityId: 'milano',
      serviceCode: 'pothole-report',
      channel: 'open311',
      subject: 'Buca in via Padova 120',
      description: 'Buca profonda sulla corsia di destra, pericolosa per i motocicli.',
      citizen: { email: 'segnalatore@example.org' },
      details: { address: 'Via Padova 120, Milano', danger: true },
    },
  },
  {
    key: 'demo-case-3',
    intake: {
      municipalityId: 'firenze',
      serviceCode: 'nursery-enrolment',
      channel: 'email',
      subject: 'Iscrizione asilo nido: documenti mancanti',
      description: 'Il genitore chiede quali documenti integrare alla domanda di iscrizione.',
      citizen: { name: 'Luca Verdi', email: 'luca.verdi@example.org' },
      details: { childFiscalCode: 'VRDGLI24E50D612K', schoolYear: '2026/2027' },
    },
  },
  {
    key: 'demo-case-4',
    intake: {
      municipalityId: 'milano',
      serviceCode: 'general-information',
      channel: 'phone',
      subject: 'Orari dell’anagrafe di via Larga',
      description: 'Il cittadino chiede se l’anagrafe centrale è aperta il sabato mattina.',
      citizen: { name: 'Paolo Esposito', phone: '+393479876543' },
      details: { topic: 'orari anagrafe' },
    },
  },
];
