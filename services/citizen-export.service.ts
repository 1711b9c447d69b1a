import { appendAudit } from '../db/audit.repository.ts';
import {
  caseOfCalls,
  exportAttachmentRows,
  exportCallRows,
  exportCaseRows,
  exportCitizenLinkRows,
  exportEventRows,
  exportInboundMailRows,
  exportLetterRows,
  exportMessageRows,
  exportTaskRows,
  recordsMergedInto,
} from '../db/citizen-export.repository.ts';
import { findCitizenRecord, mergesOf } from '../db/citizens.repository.ts';
import type { Db } from '../db/connection.ts';
import { findMunicipality } from '../db/reference.repository.ts';
import { phoneVariants } from '../domain/citizen-identity.ts';
import type { Principal } from '../domain/principal.ts';
import { type CitizenExport, citizenExportFormat } from '../contracts/citizen-export.ts';
import { toPublic } from './citizen-page.service.ts';
import { words } from './citizen-page.words.ts';
import { rowToCitizenRecord } from './citizen-registry.service.ts';
import { citizenExportPdf } from './citizen-export.pdf.ts';
import { notFound } from './errors.ts';

export type ExportFormat = 'json' | 'pdf';

const iso = (d: Date | null) => d?.toISOString() ?? null;
/** Staff are not the citizen's data: whoever answered a call or took a task is left out of what events recorded. */
const staffKeys = new Set(['agent', 'actor', 'assignee', 'by']);
/** Rows by their case (Map.groupBy is not in Node 20). */
function byCase<T extends { case_id: string }>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.case_id);
    if (list) list.push(r);
    else m.set(r.case_id, [r]);
  }
  return m;
}
const withoutStaff = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([k]) => !staffKeys.has(k)));

/**
 * Everything held about one registry record (GDPR art. 15), in its municipality — which must be
 * one of the caller's (a 404 otherwise, as for an id that does not exist). The record, the records
 * merged into it, their cases with timeline and tasks, calls from or to their numbers, what was
 * sent to them, letters, e-mails received, survey answers, files (described), page links, merges.
 */
export async function gatherCitizenExport(db: Db, p: Principal, citizenId: string, now = new Date()): Promise<CitizenExport> {
  const record = await findCitizenRecord(db, citizenId, p.municipalities);
  if (!record) throw notFound(`citizen ${citizenId}`);
  const municipalityId = record.municipality_id;
  const merged = (await recordsMergedInto(db, record.id)).filter((r) => r.municipality_id === municipalityId);
  const records = [record, ...merged];
  const ids = records.map((r) => r.id);
  const [municipality, cases, merges] = await Promise.all([
    findMunicipality(db, municipalityId),
    exportCaseRows(db, municipalityId, ids),
    mergesOf(db, ids),
  ]);
  const caseIds = cases.map((c) => c.id);
  const phones = [...new Set([...records.flatMap((r) => r.phones), ...cases.flatMap((c) => (c.citizen.phone ? [c.citizen.phone] : []))])];
  const numbers = [...new Set(phones.flatMap(phoneVariants))];
  // Whatever a message may have been addressed to: numbers as stored, e-mails, the fiscal code (App IO), postal addresses.
  const recipients = [
    ...new Set([
      ...numbers,
      ...records.flatMap((r) => [...r.emails, r.fiscal_code, r.address]),
      ...cases.flatMap((c) => [c.citizen.email, c.citizen.email?.toLowerCase(), c.citizen.fiscalCode, c.citizen.address]),
    ]),
  ].filter((v): v is string => !!v);
  const [events, tasks, calls, callCases, messages, mails, attachments, links] = await Promise.all([
    exportEventRows(db, caseIds),
    exportTaskRows(db, caseIds),
    exportCallRows(db, municipalityId, ids, numbers),
    caseOfCalls(db, caseIds),
    exportMessageRows(db, municipalityId, caseIds, recipients),
    exportInboundMailRows(db, caseIds),
    exportAttachmentRows(db, caseIds),
    exportCitizenLinkRows(db, caseIds),
  ]);
  const letters = await exportLetterRows(
    db,
    messages.filter((m) => m.channel === 'letter').map((m) => m.id),
  );
  const caseOfCall = new Map(callCases.map((e) => [String(e.data.callId), e.case_id]));
  const eventsOf = byCase(events);
  const tasksOf = byCase(tasks);
  return {
    format: citizenExportFormat,
    generatedAt: now.toISOString(),
    municipality: { id: municipalityId, name: municipality?.name ?? municipalityId },
    citizen: { ...rowToCitizenRecord(record), mergedInto: record.merged_into },
    mergedRecords: merged.map((r) => rowToCitizenRecord(r)),
    cases: cases.map((c) => ({
      id: c.id,
      serviceCode: c.service_code,
      serviceName: c.service_name,
      channel: c.channel,
      status: c.status,
      stage: c.stage,
      outcome: c.outcome,
      subject: c.subject,
      description: c.description,
      citizen: c.citizen,
      details: c.details,
      location: c.location,
      createdAt: c.created_at.toISOString(),
      updatedAt: c.updated_at.toISOString(),
      resolvedAt: iso(c.resolved_at),
      timeline: (eventsOf.get(c.id) ?? []).map((e) => {
        const data = e.data as Record<string, unknown>;
        const shown = toPublic({ type: e.type, at: e.at, data });
        return {
          at: e.at.toISOString(),
          type: e.type,
          stage: e.stage,
          public: shown ? words.it.event(shown) : null,
          data: withoutStaff(data),
        };
      }),
      tasks: (tasksOf.get(c.id) ?? []).map((t) => ({
        id: t.id,
        officeName: t.office_name,
        status: t.status,
        dueAt: t.due_at.toISOString(),
        slaState: t.sla_state,
        waitingSince: iso(t.waiting_since),
      })),
    })),
    calls: calls.map((c) => ({
      id: c.id,
      caseId: caseOfCall.get(c.id) ?? null,
      direction: c.direction,
      caller: c.caller,
      called: c.called,
      state: c.state,
      queue: c.queue,
      ivrChoice: c.ivr_choice,
      endCause: c.end_cause,
      waitSeconds: c.wait_seconds,
      startedAt: c.started_at.toISOString(),
      connectedAt: iso(c.connected_at),
      endedAt: iso(c.ended_at),
    })),
    messages: messages.map((m) => ({
      id: m.id,
      caseId: m.case_id,
      channel: m.channel,
      recipient: m.recipient,
      subject: m.subject,
      text: m.body,
      status: m.status,
      createdAt: m.created_at.toISOString(),
      sentAt: iso(m.sent_at),
      deliveredAt: iso(m.delivered_at),
      failedAt: iso(m.failed_at),
    })),
    letters: letters.map((l) => ({
      id: l.id,
      messageId: l.message_id,
      caseId: l.case_id,
      recipientName: l.recipient_name,
      address: l.address,
      subject: l.subject,
      status: l.status,
      createdAt: l.created_at.toISOString(),
      postedAt: iso(l.posted_at),
      downloadPath: `/api/letters/${encodeURIComponent(l.id)}/pdf`,
    })),
    inboundMails: mails.map((m) => ({ caseId: m.case_id, outcome: m.outcome, receivedAt: m.received_at.toISOString() })),
    surveyAnswers: events
      .filter((e) => e.type === 'survey.answered')
      .map((e) => ({
        caseId: e.case_id,
        at: e.at.toISOString(),
        answers: ((e.data as { answers?: object }).answers ?? {}) as Record<string, unknown>,
      })),
    attachments: attachments.map((a) => ({
      id: a.id,
      caseId: a.case_id,
      source: a.source,
      fileName: a.file_name,
      contentType: a.content_type,
      size: a.size,
      sha256: a.sha256,
      createdAt: a.created_at.toISOString(),
      downloadPath: `/api/attachments/${encodeURIComponent(a.id)}`,
    })),
    citizenLinks: links.map((l) => ({
      caseId: l.case_id,
      createdAt: l.created_at.toISOString(),
      expiresAt: iso(l.expires_at),
      revokedAt: iso(l.revoked_at),
    })),
    merges: merges
      .filter((m) => m.municipality_id === municipalityId)
      .map((m) => ({
        id: m.id,
        municipalityId: m.municipality_id,
        targetId: m.target_id,
        sourceId: m.source_id,
        moved: m.moved,
        mergedAt: m.merged_at.toISOString(),
        undoneAt: iso(m.undone_at),
      })),
  };
}

/**
 * The export in the format asked, audited as `citizen.exported`: a read, but one that discloses a
 * person's data, so the trail says who took it, when, and in which form (the digest of what was
 * disclosed is the record's `after`: the chain holds digests only).
 */
export async function exportCitizen(
  db: Db,
  p: Principal,
  citizenId: string,
  format: ExportFormat,
  requestId: string,
): Promise<{ export: CitizenExport; pdf?: Buffer }> {
  const data = await gatherCitizenExport(db, p, citizenId);
  const pdf = format === 'pdf' ? await citizenExportPdf(data) : undefined;
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      actor: p.id,
      role: p.role,
      requestId,
      municipalityId: data.municipality.id,
      action: 'citizen.exported',
      targetType: 'citizen',
      targetId: data.citizen.id,
      after: {
        format,
        cases: data.cases.length,
        calls: data.calls.length,
        messages: data.messages.length,
        attachments: data.attachments.length,
      },
    }),
  );
  return { export: data, ...(pdf ? { pdf } : {}) };
}
