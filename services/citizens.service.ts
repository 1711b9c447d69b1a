import type { CitizenLookup, CitizenLookupQuery, Contact } from '../contracts/citizens.ts';
import type { Case } from '../contracts/cases.ts';
import { type CallRow, callsOfCitizens } from '../db/calls.repository.ts';
import { citizenCaseRows, type Scope } from '../db/cases.repository.ts';
import { citizenMessageRows, findCitizensByIdentifiers, inboundCaseEventRows } from '../db/citizens.repository.ts';
import { phoneVariants } from '../domain/citizen-identity.ts';
import type { Db } from '../db/connection.ts';
import { rowToCase } from './cases.service.ts';
import { notFound } from './errors.ts';

const casesShown = 200;

const distinct = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];

function eventText(type: string, data: Record<string, unknown>, subject: string): string | null {
  if (type === 'case.opened') return subject;
  if (type === 'survey.answered' && data.answers && typeof data.answers === 'object') {
    // jsonb keeps no key order: sorted, so the same answers always read alike.
    return Object.entries(data.answers)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
  }
  return typeof data.text === 'string' ? data.text : null;
}

function callText(c: CallRow): string {
  const outcome = c.endCause ?? c.state;
  return [
    `chiamata ${c.direction === 'inbound' ? `da ${c.caller}` : `a ${c.called}`}`,
    outcome,
    c.waitSeconds != null ? `attesa ${Math.round(c.waitSeconds)} s` : null,
    c.queue ? `coda ${c.queue}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

async function contactsOf(db: Db, cases: Case[], calls: CallRow[]): Promise<Contact[]> {
  const ids = cases.map((c) => c.id);
  const subjects = new Map(cases.map((c) => [c.id, c.subject]));
  const [events, messages] = await Promise.all([inboundCaseEventRows(db, ids), citizenMessageRows(db, ids)]);
  const contacts: Contact[] = [
    ...events.map((e) => ({
      at: e.at.toISOString(),
      caseId: e.case_id,
      callId: null,
      direction: 'inbound' as const,
      channel: typeof e.data.channel === 'string' ? e.data.channel : null,
      type: e.type,
      text: eventText(e.type, e.data, subjects.get(e.case_id) ?? ''),
    })),
    ...messages.map((m) => ({
      at: m.created_at.toISOString(),
      caseId: m.case_id,
      callId: null,
      direction: 'outbound' as const,
      channel: m.channel,
      type: 'message',
      text: m.body,
    })),
    // Calls are contacts of their own: a caller who hung up in the queue has no case.
    ...calls.map((c) => ({
      at: c.startedAt.toISOString(),
      caseId: null,
      callId: c.id,
      direction: c.direction,
      channel: 'phone',
      type: 'call',
      text: callText(c),
    })),
  ];
  return contacts.sort((a, b) => a.at.localeCompare(b.at) || (a.caseId ?? '').localeCompare(b.caseId ?? ''));
}

/**
 * A citizen as the registry knows them in the caller's municipalities, found by the one contact the
 * query gives (normalised by its schema): their records, cases and every contact with them.
 */
export async function lookUpCitizen(db: Db, scope: Scope, query: CitizenLookupQuery): Promise<CitizenLookup> {
  const [key, value] = Object.entries(query).find(([, v]) => v !== undefined) as [keyof CitizenLookupQuery, string];
  const records = await findCitizensByIdentifiers(db, scope, {
    phones: key === 'phone' ? [value] : [],
    emails: key === 'email' ? [value] : [],
    fiscalCode: key === 'fiscalCode' ? value : null,
  });
  if (records.length === 0) throw notFound(`a citizen with this ${key} in your municipalities`);
  const ids = records.map((r) => r.id);
  const cases = (await citizenCaseRows(db, scope, ids, casesShown)).map(rowToCase);
  const phones = distinct(records.flatMap((r) => r.phones));
  const calls = await callsOfCitizens(db, scope, ids, phones.flatMap(phoneVariants));
  return {
    citizen: {
      id: records[0]!.id,
      records: records.map((r) => ({ id: r.id, municipalityId: r.municipality_id })),
      name: records.find((r) => r.name)?.name ?? null,
      phones,
      emails: distinct(records.flatMap((r) => r.emails)),
      fiscalCodes: distinct(records.map((r) => r.fiscal_code ?? undefined)),
      address: [...records].sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime()).find((r) => r.address)?.address ?? null,
    },
    cases,
    contacts: await contactsOf(db, cases, calls),
  };
}
