import { sql } from 'kysely';
import type { Case } from '../contracts/cases.ts';
import type { CitizenLookup, Contact } from '../contracts/citizens.ts';
import { callsOfNumbers } from './calls.repository.ts';
import { type CitizenKey, findCitizenCases, inList, type Scope } from './cases.repository.ts';
import type { Executor } from './database.ts';

/**
 * The case events that are the citizen reaching us (recorded by workflows/case.ts). What we sent
 * them (notices, reminders, surveys) is read from the outbox, where its text is.
 */
const inboundEvents = ['case.opened', 'citizen.solicited', 'complaint.opened', 'information.received', 'survey.answered'];
const casesShown = 200;

const distinct = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];

function eventText(type: string, data: Record<string, unknown>, subject: string): string | null {
  if (type === 'case.opened') return subject;
  if (type === 'survey.answered' && data.answers && typeof data.answers === 'object') {
    // jsonb keeps no key order: sorted, so the same answers always read alike.
    return Object.entries(data.answers).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${String(v)}`).join(', ');
  }
  return typeof data.text === 'string' ? data.text : null;
}

type CallRow = Awaited<ReturnType<typeof callsOfNumbers>>[number];

function callText(c: CallRow): string {
  const outcome = c.endCause ?? c.state;
  return [`chiamata ${c.direction === 'inbound' ? `da ${c.caller}` : `a ${c.called}`}`, outcome,
    c.waitSeconds != null ? `attesa ${Math.round(c.waitSeconds)} s` : null, c.queue ? `coda ${c.queue}` : null].filter(Boolean).join(' · ');
}

async function contactsOf(db: Executor, cases: Case[], calls: CallRow[]): Promise<Contact[]> {
  const ids = inList(cases.map((c) => c.id));
  const subjects = new Map(cases.map((c) => [c.id, c.subject]));
  const [events, messages] = await Promise.all([
    db.selectFrom('case_events').select(['case_id', 'seq', 'type', 'at', 'data'])
      .where('case_id', 'in', ids).where('type', 'in', inboundEvents).execute(),
    // Only the messages to the citizen: the outbox also holds the reminders sent to offices.
    db.selectFrom('outbound_messages').innerJoin('cases', 'cases.id', 'outbound_messages.case_id')
      .select(['cases.id as case_id', 'outbound_messages.channel', 'outbound_messages.body', 'outbound_messages.created_at'])
      .where('outbound_messages.case_id', 'in', ids)
      .where((eb) => eb.or([
        eb('outbound_messages.recipient', '=', sql<string>`cases.citizen->>'phone'`),
        eb('outbound_messages.recipient', '=', sql<string>`cases.citizen->>'email'`),
      ]))
      .execute(),
  ]);
  const contacts: Contact[] = [
    ...events.map((e) => ({
      at: e.at.toISOString(), caseId: e.case_id, callId: null, direction: 'inbound' as const,
      channel: typeof e.data.channel === 'string' ? e.data.channel : null, type: e.type,
      text: eventText(e.type, e.data, subjects.get(e.case_id) ?? ''),
    })),
    ...messages.map((m) => ({
      at: m.created_at.toISOString(), caseId: m.case_id, callId: null, direction: 'outbound' as const, channel: m.channel, type: 'message', text: m.body,
    })),
    // Calls are contacts of their own: a caller who hung up in the queue has no case.
    ...calls.map((c) => ({
      at: c.startedAt.toISOString(), caseId: null, callId: c.id, direction: c.direction, channel: 'phone', type: 'call', text: callText(c),
    })),
  ];
  return contacts.sort((a, b) => a.at.localeCompare(b.at) || (a.caseId ?? '').localeCompare(b.caseId ?? ''));
}

/** A citizen as the cases of the caller's municipalities know them, or undefined when none does. */
export async function lookUpCitizen(db: Executor, scope: Scope, key: CitizenKey, value: string): Promise<CitizenLookup | undefined> {
  const cases = await findCitizenCases(db, scope, key, value, casesShown);
  if (cases.length === 0) return undefined;
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
