import type { kpiEn } from './kpi-en.ts';

/** Le stringhe del cruscotto KPI (admin-ui/src/kpi); stesse chiavi di kpi-en.ts. */
export const kpiIt: typeof kpiEn = {
  title: 'Cruscotto KPI', menu: 'Cruscotto KPI',
  tab: { cases: 'Pratiche', calls: 'Chiamate', staffing: 'Personale', report: 'Report mensile' },
  filter: {
    label: 'Filtri del cruscotto', from: 'Dal', to: 'Al (incluso)', bucket: 'Raggruppa per', municipalityId: 'Comune', serviceCode: 'Servizio',
    officeId: 'Ufficio', channel: 'Canale', all: 'Tutti',
  },
  bucket: { hour: 'Ora', day: 'Giorno', week: 'Settimana', month: 'Mese' },
  section: {
    cases: 'Pratiche nel periodo', trend: 'Andamento', breakdowns: 'Pratiche aperte per canale, servizio e ufficio', backlog: 'Arretrato e SLA',
    calls: 'Chiamate nel periodo', staffing: 'Previsione e fabbisogno di personale', report: 'Report mensile',
  },
  formula: 'Come si calcola “%{label}”',
  drill: '%{value} %{label}: mostra le pratiche',
  drillBucket: 'aperte %{when}: mostra le pratiche',
  drillBreached: '%{value}: mostra le pratiche scadute ora di %{office}',
  drillCalls: '%{value} %{label}: mostra le chiamate',
  drillCell: '%{smart_count} chiamata di %{day} dalle %{from} alle %{to}: mostra la chiamata |||| %{smart_count} chiamate di %{day} dalle %{from} alle %{to}: mostra le chiamate',
  of: '%{n} su %{total}',
  noData: 'Nessun dato nel periodo.',
  showTable: 'Mostra i valori in tabella',
  unavailable: 'Non disponibile: questo server non calcola ancora questi valori.',
  firstLevel: 'Primo livello (non trasferite)',
  trend: { volumes: 'Pratiche aperte, chiuse e arretrato', quality: 'Risoluzione al primo contatto, CSAT e rispetto dello SLA' },
  describe: {
    volumes: 'Grafico a linee delle pratiche aperte, chiuse e dell’arretrato nel periodo; i valori sono nella tabella sotto.',
    quality: 'Grafico a linee di risoluzione al primo contatto, soddisfazione e rispetto dello SLA nel periodo, in percentuale; i valori sono nella tabella sotto.',
    breakdown: 'Grafico a barre delle pratiche aperte %{by}; i valori sono nella tabella sotto.',
    ageing: 'Grafico a barre delle pratiche aperte per anzianità in giorni; i valori sono nella tabella sotto.',
    staffing: 'Grafico dei contatti previsti ed effettivi per ora e degli operatori necessari; i valori sono nella tabella sotto.',
  },
  by: { channel: 'per canale', service: 'per servizio', office: 'per ufficio' },
  column: { channel: 'Canale', service: 'Servizio', office: 'Ufficio', age: 'Anzianità', openCases: 'Pratiche aperte' },
  age: { '0-2': '0–2 giorni', '3-7': '3–7 giorni', '8-30': '8–30 giorni', '>30': 'oltre 30 giorni' },
  slaByOffice: 'Rispetto dello SLA per ufficio',
  calls: {
    caseFiltersIgnored: 'Le chiamate si contano per linea (comune): i filtri per servizio, ufficio e canale valgono solo per le pratiche.',
    heatMap: 'Chiamate offerte per giorno della settimana e ora',
    heatMapHelp: 'Ogni cella è il numero di chiamate (ora di Roma); più scura la cella, più chiamate (fino a %{max}).',
    weekday: 'Giorno',
  },
  staffing: {
    form: 'Piano del personale', start: 'Primo giorno', days: 'Giorni', sl: 'Livello di servizio obiettivo (%)', threshold: 'Risposta entro (secondi)',
    aht: 'Durata media di gestione (secondi)', compute: 'Calcola', day: 'Giorno mostrato',
    method: 'Previsione da %{contacts} contatti delle settimane precedenti (tendenza %{trend} a settimana); operatori con Erlang C.',
    horizon: 'in %{days} giorni', peak: 'nell’ora di punta', chart: 'Contatti e operatori necessari per ora, %{day}',
    actual: 'Contatti effettivi', serviceLevel: 'Livello di servizio', asa: 'Tempo medio di risposta', occupancy: 'Occupazione',
  },
  report: {
    kpis: 'KPI di %{month}', kpi: 'KPI', lastYear: 'Stesso mese, anno prima', change: 'Variazione', topServices: 'Servizi più richiesti', service: 'Servizio', share: 'Quota',
    help: 'I KPI del mese accanto allo stesso mese dell’anno precedente e alla variazione, i servizi più richiesti e gli andamenti: il report in PDF, i dati in CSV e XLSX.',
    month: 'Mese', pdf: 'Report (PDF)', csv: 'Dati (CSV)', xlsx: 'Dati (XLSX)',
  },
};
