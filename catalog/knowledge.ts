import type { NewArticle } from '../contracts/knowledge.ts';

/**
 * Demo knowledge base: the answers first-level operators give most in Milan and Florence. The
 * contact centres' own hours and services come from the source documents in the design's seeds;
 * national rules (identity card, residence, TARI refunds, fines) are as the law states them; the
 * offices and the registry desks' hours are the demo ones. The last article has expired: it stays
 * listed but is no longer found by search. Each is seeded once as version 1, by the demo designer.
 */
export const demoArticleAuthor = 'elena.processi';

const miPortal = { label: 'Portale del Comune di Milano', url: 'https://www.comune.milano.it' };
const fiPortal = { label: 'Portale del Comune di Firenze', url: 'https://www.comune.fi.it' };
const cie = { label: 'Agenda CIE del Ministero dell’Interno', url: 'https://www.prenotazionicie.interno.gov.it' };
const anpr = { label: 'ANPR – Anagrafe nazionale', url: 'https://www.anagrafenazionale.interno.gov.it' };

export const demoArticles: ({ id: string } & NewArticle)[] = [
  {
    id: 'mi-infoline-020202',
    municipalityId: 'milano',
    serviceCode: 'general-information',
    title: 'Infoline 020202: che cosa fa e quando risponde',
    audience: 'Cittadini, imprese e city user di Milano.',
    place: 'Al telefono 020202, dal portale del Comune (area «Scrivi») e dalla pagina Facebook «Comune di Milano».',
    hours: 'Servizio sempre attivo, 24 ore su 24 e 7 giorni su 7.',
    procedure:
      'L’operatore risponde alle domande di primo livello; per le richieste specialistiche mette in contatto il cittadino con ' +
      'l’ufficio competente o apre un caso e richiama il cittadino quando la risposta è pronta.',
    body:
      'Lo 020202 è il numero unico del Comune di Milano: ha sostituito 15 numeri verdi. Fornisce orari, sedi e attività degli uffici, ' +
      'inoltra le telefonate agli uffici comunali, avvia procedimenti a distanza e prenota appuntamenti.',
    links: [miPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'mi-rimborso-tari',
    municipalityId: 'milano',
    serviceCode: 'tari-refund',
    title: 'Rimborso TARI pagata in eccesso o due volte',
    audience: 'Intestatari della TARI che hanno pagato più del dovuto: versamento doppio, importo errato, cessazione non conteggiata.',
    place: 'Area Tributi, online dal Fascicolo del Cittadino o per posta elettronica certificata.',
    hours: 'La domanda va presentata entro cinque anni dal giorno del pagamento; il Comune rimborsa entro 180 giorni dalla domanda.',
    procedure:
      'Compilare la richiesta di rimborso indicando anno d’imposta, codice fiscale dell’intestatario e IBAN; allegare le ricevute ' +
      'dei versamenti. L’operatore può aprire il caso «Rimborso TARI» e trasferirlo all’Area Tributi.',
    body: 'Chi ha pagato la tassa sui rifiuti più del dovuto ha diritto al rimborso della differenza, oppure alla compensazione con le rate successive.',
    links: [miPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'mi-cambio-residenza',
    municipalityId: 'milano',
    serviceCode: 'change-of-residence',
    title: 'Cambio di residenza o di indirizzo',
    audience: 'Chi si trasferisce a Milano da un altro Comune o dall’estero, o cambia indirizzo dentro Milano.',
    place: 'Online sul portale ANPR con SPID o CIE, oppure ai Servizi Civici – Anagrafe.',
    hours:
      'Entro 20 giorni dal trasloco. L’iscrizione decorre dalla dichiarazione; la Polizia Locale verifica l’indirizzo entro 45 giorni.',
    procedure:
      'Presentare la dichiarazione di residenza per sé e per i familiari che si trasferiscono, con documento d’identità e ' +
      'titolo di occupazione dell’alloggio (contratto di affitto, proprietà, comodato). Senza esito negativo entro 45 giorni vale il silenzio-assenso.',
    body: 'Il cambio di residenza aggiorna anche patente e libretto di circolazione. Per la TARI serve una dichiarazione separata all’Area Tributi.',
    links: [anpr],
    validFrom: '2026-01-01',
  },
  {
    id: 'mi-orari-anagrafe',
    municipalityId: 'milano',
    serviceCode: 'general-information',
    title: 'Orari degli sportelli anagrafici',
    audience: 'Chi deve chiedere certificati, carta d’identità o dichiarare la residenza di persona.',
    place: 'Anagrafe centrale e sedi anagrafiche dei Municipi.',
    hours: 'Dal lunedì al venerdì 8:30–15:30, su appuntamento; chiuso il 7 dicembre (Sant’Ambrogio) e nei festivi.',
    procedure:
      'Prenotare l’appuntamento dal portale o tramite lo 020202; i certificati anagrafici si scaricano anche online senza andare allo sportello.',
    body: 'Molti servizi anagrafici non richiedono lo sportello: certificati e autocertificazioni sono disponibili online con SPID o CIE.',
    links: [miPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'mi-carta-identita',
    municipalityId: 'milano',
    serviceCode: 'general-information',
    title: 'Carta d’identità elettronica (CIE)',
    audience: 'Residenti a Milano, per il primo rilascio, alla scadenza o in caso di furto, smarrimento o deterioramento.',
    place: 'Sportelli anagrafici su appuntamento.',
    hours: 'La carta arriva per posta entro 6 giorni lavorativi. Vale 3 anni sotto i 3 anni d’età, 5 anni fino ai 18, poi 10 anni.',
    procedure:
      'Prenotare sull’Agenda CIE; portare una fototessera recente, il documento scaduto (o la denuncia di furto o smarrimento) e la ' +
      'tessera sanitaria. Il costo è di 22,21 euro.',
    body: 'La CIE è il documento d’identità e di espatrio e serve anche per accedere ai servizi online della pubblica amministrazione.',
    links: [cie],
    validFrom: '2026-01-01',
  },
  {
    id: 'mi-area-c',
    municipalityId: 'milano',
    serviceCode: null,
    title: 'Area C: accesso e pagamento del ticket',
    audience: 'Chi entra con un veicolo nella Cerchia dei Bastioni nei giorni feriali.',
    place: 'Varchi elettronici della Cerchia dei Bastioni; pagamento online, con app, nei parcheggi convenzionati o dai rivenditori.',
    hours: 'Dal lunedì al venerdì 7:30–19:30, esclusi i festivi. Il ticket si paga entro la mezzanotte del giorno successivo all’ingresso.',
    procedure:
      'Pagare il ticket indicando la targa e il giorno di ingresso. I residenti nella Cerchia hanno ingressi gratuiti annuali e poi una tariffa ridotta.',
    body: 'Area C è la zona a traffico limitato del centro di Milano: l’ingresso è a pagamento e vietato ai veicoli più inquinanti.',
    links: [miPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'mi-multa-area-c',
    municipalityId: 'milano',
    serviceCode: 'area-c-fine-dispute',
    title: 'Contestare una multa Area C',
    audience:
      'Chi ha ricevuto un verbale per ingresso in Area C e ritiene di non doverlo, per esempio perché titolare di permesso o ticket pagato.',
    place: 'Mobilità – Area C per l’istanza in autotutela; Prefetto o Giudice di Pace per il ricorso.',
    hours: 'Ricorso al Prefetto entro 60 giorni dalla notifica, oppure al Giudice di Pace entro 30 giorni.',
    procedure:
      'Indicare targa, numero del verbale e motivo (permesso residenti, ticket pagato, veicolo esente); allegare le prove. ' +
      'L’operatore apre il caso e lo trasferisce all’ufficio Mobilità – Area C.',
    body: 'L’istanza in autotutela non sospende i termini del ricorso: se il verbale è fondato conviene valutare il pagamento in misura ridotta.',
    links: [miPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'mi-buche-stradali',
    municipalityId: 'milano',
    serviceCode: 'pothole-report',
    title: 'Segnalare una buca o un dissesto stradale',
    audience: 'Chiunque noti una buca, un tombino sollevato o un marciapiede dissestato su strada comunale.',
    place: 'Al telefono 020202, dall’app o dal portale del Comune.',
    hours: 'Le segnalazioni sono sempre accolte; in caso di pericolo immediato il Pronto Intervento Strade interviene subito.',
    procedure:
      'Raccogliere indirizzo preciso (via, civico o incrocio), tipo di dissesto e se è pericoloso per pedoni o veicoli a due ruote; ' +
      'se c’è pericolo chiedere l’intervento urgente. Il caso va a Manutenzione Strade.',
    body: 'I danni subiti per una buca si chiedono con una richiesta di risarcimento separata, allegando foto e documentazione.',
    links: [miPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'fi-linea-comune-055055',
    municipalityId: 'firenze',
    serviceCode: 'general-information',
    title: 'Linea Comune 055055: orari, solleciti e reclami',
    audience: 'Cittadini e imprese di Firenze e dei Comuni dell’area fiorentina aderenti.',
    place: 'Al telefono 055055 o per posta elettronica.',
    hours: 'Dalle 8:00 alle 20:00, dal lunedì al sabato.',
    procedure:
      'L’operatore risponde con la banca dati condivisa; le richieste complesse sono assegnate all’ufficio del Comune competente. ' +
      'Il cittadino può chiedere a che punto è la sua pratica, sollecitarla o presentare un reclamo.',
    body: 'Linea Comune è il contact center integrato e multicanale dell’area fiorentina: risponde anche per e-mail, SMS, fax e lettera.',
    links: [fiPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'fi-rimborso-tari',
    municipalityId: 'firenze',
    serviceCode: 'tari-refund',
    title: 'Rimborso TARI a Firenze',
    audience: 'Contribuenti TARI che hanno versato più del dovuto.',
    place: 'Direzione Risorse Finanziarie – Tributi, online o per PEC.',
    hours: 'Entro cinque anni dal pagamento; rimborso entro 180 giorni dalla domanda.',
    procedure:
      'Presentare la domanda con anno d’imposta, codice fiscale, IBAN e ricevute dei versamenti. L’operatore apre il caso e lo trasferisce all’ufficio Tributi.',
    body: 'In alternativa al rimborso si può chiedere la compensazione con gli avvisi TARI successivi.',
    links: [fiPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'fi-cambio-residenza',
    municipalityId: 'firenze',
    serviceCode: 'change-of-residence',
    title: 'Cambio di residenza a Firenze',
    audience: 'Chi trasferisce la residenza a Firenze o cambia abitazione in città.',
    place: 'Online sul portale ANPR con SPID o CIE, oppure all’Anagrafe.',
    hours: 'Entro 20 giorni dal trasloco; l’iscrizione è registrata entro 2 giorni lavorativi dalla dichiarazione.',
    procedure:
      'Dichiarare il nuovo indirizzo per tutti i componenti che si trasferiscono, con documento d’identità e titolo di occupazione dell’alloggio.',
    body: 'La Polizia Municipale accerta la dimora abituale; l’esito negativo va comunicato entro 45 giorni, altrimenti la residenza è confermata.',
    links: [anpr],
    validFrom: '2026-01-01',
  },
  {
    id: 'fi-carta-identita',
    municipalityId: 'firenze',
    serviceCode: 'general-information',
    title: 'Carta d’identità elettronica a Firenze',
    audience: 'Residenti a Firenze.',
    place: 'Sportelli anagrafici su appuntamento.',
    hours: 'Consegna per posta entro 6 giorni lavorativi.',
    procedure: 'Prenotare sull’Agenda CIE; portare fototessera, documento precedente o denuncia, tessera sanitaria. Costo 22,21 euro.',
    body: 'Al rilascio si può esprimere il consenso o il diniego alla donazione di organi e tessuti.',
    links: [cie],
    validFrom: '2026-01-01',
  },
  {
    id: 'fi-asilo-nido',
    municipalityId: 'firenze',
    serviceCode: 'nursery-enrolment',
    title: 'Iscrizione all’asilo nido comunale',
    audience: 'Genitori di bambini da 3 a 36 mesi residenti a Firenze.',
    place: 'Domanda online sul portale dei Servizi all’Infanzia con SPID o CIE.',
    hours: 'Le domande si presentano nel periodo di apertura del bando, in primavera; le graduatorie escono prima dell’estate.',
    procedure:
      'Compilare la domanda indicando fino a tre nidi in ordine di preferenza; per la retta agevolata serve un ISEE valido. ' +
      'L’operatore può chiudere al primo livello le richieste di informazioni sulla domanda.',
    body: 'La retta mensile dipende dall’ISEE del nucleo familiare; chi non presenta l’ISEE paga la tariffa massima.',
    links: [fiPortal],
    validFrom: '2026-01-01',
  },
  {
    id: 'fi-asilo-nido-bando-2025',
    municipalityId: 'firenze',
    serviceCode: 'nursery-enrolment',
    title: 'Bando nidi 2025/2026: date di presentazione delle domande',
    audience: 'Genitori che hanno presentato domanda per l’anno educativo 2025/2026.',
    hours: 'Bando chiuso: valeva per l’anno educativo 2025/2026.',
    body: 'Le domande per l’anno educativo 2025/2026 si sono chiuse; le graduatorie sono pubblicate sul portale dei Servizi all’Infanzia.',
    links: [],
    validFrom: '2025-03-01',
    validTo: '2025-12-31',
  },
];
