import { romeOffsetMinutes } from '../domain/calendar.ts';
import type { CaseLocation, CaseStatus, Outcome } from '../domain/case.ts';
import { detailsIssues, type IntakeField, type ServiceDefinition } from '../domain/service-definition.ts';
import type { PublicEventType, RequestRow, ServiceRow, UpdateRow } from '../db/open311.repository.ts';

/** How our cases, services and definitions read in GeoReport v2's vocabulary. */

type Datatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
const datatypes: Record<IntakeField['type'], Datatype> = {
  text: 'string',
  textarea: 'text',
  number: 'number',
  date: 'datetime',
  email: 'string',
  phone: 'string',
  'fiscal-code': 'string',
  select: 'singlevaluelist',
  boolean: 'singlevaluelist',
};
// What an app shows under the field when the definition has no help text of its own.
const hints: Partial<Record<IntakeField['type'], string>> = {
  number: 'un numero',
  date: 'una data (AAAA-MM-GG)',
  email: 'un indirizzo e-mail',
  phone: 'un numero di telefono',
  'fiscal-code': 'un codice fiscale di 16 caratteri',
};
const yesNo = [
  { key: 'true', name: 'Sì' },
  { key: 'false', name: 'No' },
];

export function toService(s: ServiceRow, definition: ServiceDefinition | undefined) {
  return {
    service_code: s.code,
    service_name: s.name,
    description: definition?.service.description ?? '',
    metadata: (definition?.intake.fields.length ?? 0) > 0,
    // Cases are worked by offices over hours or days, never answered in the same HTTP exchange.
    type: 'batch',
    // The first-level knowledge topics are the closest thing we have to search tags.
    keywords: definition?.firstLevel.knowledgeArticles.join(',') ?? '',
    group: s.office_name,
  };
}

export function toServiceDefinition(code: string, definition: ServiceDefinition | undefined) {
  return {
    service_code: code,
    attributes: (definition?.intake.fields ?? []).map((f, i) => ({
      variable: true,
      code: f.key,
      datatype: datatypes[f.type],
      required: f.required,
      datatype_description: f.help ?? hints[f.type] ?? '',
      order: i + 1,
      description: f.label,
      ...(f.type === 'select' ? { values: f.options!.map((o) => ({ key: o.value, name: o.label })) } : {}),
      ...(f.type === 'boolean' ? { values: yesNo } : {}),
    })),
  };
}

type DetailValue = string | number | boolean;

/**
 * Attribute values as sent (form fields are text, JSON may be typed) turned into the types the
 * definition's fields hold, then checked by the same rules as every other intake. Problems name
 * the attribute as the app sent it, `attribute[code]`.
 */
export function detailsFrom(fields: IntakeField[], attributes: Record<string, unknown[]>) {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const details: Record<string, DetailValue> = Object.create(null);
  const problems: string[] = [];
  for (const [code, values] of Object.entries(attributes)) {
    // No field of ours holds several values, so no attribute is a multivaluelist.
    if (values.length > 1) {
      problems.push(`attribute[${code}]: takes one value`);
      continue;
    }
    details[code] = convert(byKey.get(code), values[0]);
  }
  for (const i of detailsIssues(fields, details)) problems.push(`${i.path.replace(/^details\.(.*)$/, 'attribute[$1]')}: ${i.message}`);
  return { details, problems };
}

function convert(field: IntakeField | undefined, value: unknown): DetailValue {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = String(value ?? '').trim();
  switch (field?.type) {
    case 'number':
      return /^-?\d+(?:\.\d+)?$/.test(text) ? Number(text) : text;
    case 'boolean':
      return /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : text;
    // Open311's datetime carries a time; our date field keeps the calendar day the citizen wrote.
    case 'date':
      return /^\d{4}-\d{2}-\d{2}T/.test(text) ? text.slice(0, 10) : text;
    default:
      return text;
  }
}

/** `Segnalazione buca stradale – Via Padova 120`, or the coordinates when there is no address. */
export function subjectOf(serviceName: string, location: CaseLocation): string {
  const where = location.address ?? `${location.lat}, ${location.long}`;
  return `${serviceName} – ${where}`.slice(0, 200);
}

/** ISO 8601 in Milan's and Florence's local time, with its offset (+01:00 or +02:00). */
export function w3cDateTime(at: Date): string {
  const offset = romeOffsetMinutes(at.getTime());
  const local = new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}+${String(offset / 60).padStart(2, '0')}:00`;
}

export const toOpen311Status = (s: CaseStatus) => (s === 'open' ? 'open' : 'closed');
export const toCaseStatus = (s: 'open' | 'closed'): CaseStatus => (s === 'open' ? 'open' : 'resolved');

const outcomeNotes: Record<Outcome, string> = {
  resolved: 'Richiesta risolta',
  rejected: 'Richiesta respinta',
  redirected: 'Richiesta inoltrata all’ente competente',
  withdrawn: 'Richiesta ritirata',
};
const stageNotes: Record<string, string> = {
  intake: 'Ricevuta dal contact center',
  office: 'In lavorazione presso l’ufficio competente',
  'waiting-citizen': 'In attesa di informazioni dal cittadino',
};

export type Publication = ServiceDefinition['publication'];

/**
 * Who reads, and what each service lets anyone see. An anonymous reader sees only the cases of
 * services a designer published on Open311, as a summary: the service's name for a description,
 * the street without its house number and coordinates to about 100 m (unless the service shows
 * the place exactly), photos only where the service shows them. A reader with an API key of the
 * municipality (`full`) sees its cases as they are.
 */
export interface Open311View {
  baseUrl: string;
  full: boolean;
  publications: ReadonlyMap<string, Publication>;
}

/** The services an anonymous reader may see the cases of; undefined: all (a key holder). */
export const visibleServices = (view: Open311View): string[] | undefined =>
  view.full ? undefined : [...view.publications].filter(([, p]) => p.open311).map(([code]) => code);

/** The uploaded photo's link (served by `GET /open311/v2/media/{id}`), else the link the app sent. */
export function mediaUrlOf(view: Open311View, serviceCode: string, attachmentId: string | null, link: string | null): string | null {
  if (!view.full && !view.publications.get(serviceCode)?.photos) return null;
  return attachmentId ? `${view.baseUrl}/open311/v2/media/${attachmentId}` : link;
}

/** `Viale Monza 40, 20127 Milano` → `Viale Monza`: the words before the first with a digit, before any comma. */
export function streetOf(address: string | null | undefined): string | null {
  const words = (address ?? '').split(',')[0]!.trim().split(/\s+/).filter(Boolean);
  const firstNumber = words.findIndex((w) => /\d/.test(w));
  return words.slice(0, firstNumber === -1 ? 5 : firstNumber).join(' ') || null;
}
// Three decimals of a degree: about 110 m north-south, 80 m east-west in Italy.
const roughly = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 1000);

export function toRequest(r: RequestRow, view: Open311View) {
  const exact = view.full || view.publications.get(r.service_code)?.location === 'exact';
  return {
    service_request_id: r.id,
    status: toOpen311Status(r.status),
    status_notes: r.outcome ? outcomeNotes[r.outcome] : (stageNotes[r.stage] ?? null),
    service_name: r.service_name,
    service_code: r.service_code,
    // What staff typed may quote the citizen: anyone else reads what kind of request it is.
    description: view.full ? r.description : r.service_name,
    agency_responsible: r.agency_responsible,
    service_notice: null,
    requested_datetime: w3cDateTime(r.created_at),
    updated_datetime: w3cDateTime(r.updated_at),
    expected_datetime: r.expected_at ? w3cDateTime(r.expected_at) : null,
    address: exact ? (r.location?.address ?? null) : streetOf(r.location?.address),
    address_id: null,
    zipcode: null,
    lat: exact ? (r.location?.lat ?? null) : roughly(r.location?.lat),
    long: exact ? (r.location?.long ?? null) : roughly(r.location?.long),
    media_url: mediaUrlOf(view, r.service_code, r.media_attachment_id, r.media_url),
  };
}

// What each public step says: fixed sentences, never the staff's or the citizen's own words.
const updateNotes: Record<Exclude<PublicEventType, 'case.resolved'>, string> = {
  'case.transferred': stageNotes.office!,
  'task.reassigned': 'Affidata a un altro ufficio competente',
  'information.requested': stageNotes['waiting-citizen']!,
  'information.received': 'Informazioni ricevute dal cittadino',
  'citizen.solicited': 'Sollecito ricevuto',
  'case.closed': 'Pratica chiusa',
};

/**
 * A public step of a case as FixMyStreet's update extension writes it. The citizen's own update
 * keeps the id its app was given; the other steps are named by the case and the step's number.
 */
export function toUpdate(u: UpdateRow, view: Open311View) {
  return {
    update_id: u.update_ref ?? `${u.case_id}.${u.seq}`,
    service_request_id: u.case_id,
    status: u.type === 'case.resolved' || u.type === 'case.closed' ? 'closed' : 'open',
    updated_datetime: w3cDateTime(u.at),
    description: u.type === 'case.resolved' ? (outcomeNotes[u.outcome as Outcome] ?? 'Richiesta chiusa') : updateNotes[u.type],
    media_url: mediaUrlOf(view, u.service_code, u.attachment_id, u.media_url),
  };
}

/** When the endpoints below last changed (the discovery document's `changeset`). */
const endpointsChangedAt = '2026-12-02T10:40:00+01:00';

/** GeoReport v2's service discovery document: one production endpoint, in both formats. */
export function discoveryDocument(baseUrl: string, contact: string, keyService: string) {
  return {
    changeset: endpointsChangedAt,
    contact,
    key_service: keyService,
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${baseUrl}/open311/v2`,
        changeset: endpointsChangedAt,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}
