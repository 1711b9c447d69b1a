import type { CitizenLookup, CitizenLookupQuery, Contact } from '../contracts/citizens.ts';
import type { Case } from '../contracts/cases.ts';
import { type CallRow, callsOfNumbers } from '../db/calls.repository.ts';
import { type CitizenKey, findCitizenCaseRows, type Scope } from '../db/cases.repository.ts';
import { citizenMessageRows, inboundCaseEventRows } from '../db/citizens.repository.ts';
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

/** A citizen as the cases of the caller's municipalities know them, by the one contact the query gives. */
export async function lookUpCitizen(db: Db, scope: Scope, query: CitizenLookupQuery): Promise<CitizenLookup> {
  const [key, value] = Object.entries(query).find(([, v]) => v !== undefined) as [CitizenKey, string];
  const cases = (await findCitizenCaseRows(db, scope, key, value, casesShown)).map(rowToCase);
  if (cases.length === 0) throw notFound(`a citizen with this ${key} in your municipalities`);
  const phones = distinct(cases.map((c) => c.citizen.phone));
  return {
    citizen: {
      name: cases.find((c) => c.citizen.name)?.citizen.name ?? null,
      phones,
      emails: distinct(cases.map((c) => c.citizen.email?.toLowerCase())),
      fiscalCodes: distinct(cases.map((c) => c.citizen.fiscalCode?.toUpperCase())),
    },
    cases,
    contacts: await contactsOf(db, cases, await callsOfNumbers(db, scope, phones)),
  };
}
