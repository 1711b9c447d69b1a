import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { projectRoot } from '../platform/paths.ts';
import { sql } from 'kysely';
import { withThrowawayPlatform } from './throwaway-platform.ts';
import type { caseWorkflow } from '../workflows/case.ts';
import {
  addNoteUpdate,
  type CaseWorkflowInput,
  caseStuckError,
  caseWorkflowType,
  claimTaskUpdate,
  complainSignal,
  completeTaskUpdate,
  openedUpdate,
  requestInformationUpdate,
  retryStuckWritesSignal,
  resolveUpdate,
  scheduleCallbackUpdate,
  solicitSignal,
  snapshotQuery,
  surveyAnswerSignal,
  transferUpdate,
  withdrawUpdate,
} from '../workflows/case.definitions.ts';
import { demoDefinitions } from '../catalog/definitions.ts';
import type { CaseIntake } from '../domain/case.ts';
import { ServiceDefinitionSchema } from '../domain/service-definition.ts';
import { CalendarSchema } from '../domain/calendar.ts';
import type { Dialer } from '../domain/dialer.ts';
import type { abandonedCallbackWorkflow } from '../workflows/abandoned-callback.ts';
import { type AbandonedCallbackInput, abandonedCallbackWorkflowType } from '../workflows/abandoned-callback.definitions.ts';
import { abandonedCallbackWorkflowId } from '../services/callback-workflow-id.ts';

/**
 * `npm run fixtures:record`: runs each path of the case workflow with the current code against
 * throw-away servers and saves the histories under test/fixtures/histories/. The replay test runs
 * every saved history against the code of the day, so a change that would break cases already
 * running fails the suite. Record new paths; never re-record old ones (they stand for running cases).
 */
const only = process.argv.slice(2);
const outDir = path.join(projectRoot, 'test', 'fixtures', 'histories');
// Calls to this number are not answered (so the written fallback is used); every other one is.
const unreachable = '+393330000009';
const dialer: Dialer = { call: async (to) => (to === unreachable ? 'failed' : 'answered') };
await withThrowawayPlatform(
  { postgres: 54329, temporal: 17233, temporalUi: 18233 },
  async ({ client, db }) => {
    const operator = { id: 'giulia.operatrice', role: 'operator' as const, officeId: null };
    const marco = { id: 'marco.tributi', role: 'backoffice' as const, officeId: 'mi-tributi' };
    const intakes: Record<string, CaseIntake> = {
      'general-information': {
        municipalityId: 'milano',
        serviceCode: 'general-information',
        channel: 'phone',
        subject: 'Orari anagrafe',
        description: '',
        citizen: { phone: '+393330000001' },
        details: { topic: 'orari' },
      },
      'tari-refund': {
        municipalityId: 'milano',
        serviceCode: 'tari-refund',
        channel: 'phone',
        subject: 'Rimborso TARI',
        description: '',
        citizen: { phone: '+393330000002' },
        details: { taxYear: 2025, taxpayerFiscalCode: 'RSSMRA85T10A562S' },
      },
    };
    let n = 0;
    const open = async (serviceCode: string, extra: Partial<CaseWorkflowInput> = {}, citizen = intakes[serviceCode]!.citizen) => {
      const caseId = `C-2026-${String(900000 + ++n)}`; // clear of the numbers the database hands out
      const document = ServiceDefinitionSchema.parse(demoDefinitions.find((d) => d.service.code === serviceCode));
      // Calls may be placed whenever the recording runs.
      document.callback.window = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '23:59' };
      const input: CaseWorkflowInput = {
        caseId,
        actor: operator,
        telephonyTaskQueue: 'telephony',
        intake: { ...intakes[serviceCode]!, citizen },
        definition: { version: 1, document },
        ...extra,
      };
      await client.workflow.executeUpdateWithStart(openedUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>(caseWorkflowType, {
          workflowId: caseId,
          taskQueue: 'cases',
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
      return client.workflow.getHandle<typeof caseWorkflow>(caseId);
    };
    const until = async (handle: { query: (q: typeof snapshotQuery) => Promise<{ lastSeq: number }> }, seq: number) => {
      for (let i = 0; i < 200 && (await handle.query(snapshotQuery)).lastSeq < seq; i++) await new Promise((r) => setTimeout(r, 100));
    };
    const completed = async (handle: Awaited<ReturnType<typeof open>>) => {
      await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
      await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
      await handle.executeUpdate(completeTaskUpdate, { args: [{ actor: marco, answer: 'Rimborso disposto', outcome: 'resolved' }] });
    };
    const alwaysOpen = CalendarSchema.parse({
      weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])),
      observeHolidays: false,
    });
    const abandonedCallback = async (phone: string) => {
      const input: AbandonedCallbackInput = {
        lineId: 'mi-020202',
        phone,
        abandonedCallId: `recorded-${phone}`,
        calendar: alwaysOpen,
        telephonyTaskQueue: 'telephony',
        policy: { attempts: 2, spacingMinutes: 0.01, minWaitSeconds: 20, fallbackSms: 'La abbiamo cercata: ci richiami allo 020202.' },
      };
      const handle = await client.workflow.start<typeof abandonedCallbackWorkflow>(abandonedCallbackWorkflowType, {
        workflowId: abandonedCallbackWorkflowId(randomBytes(32), input.lineId, phone, Date.now()),
        taskQueue: 'cases',
        args: [input],
      });
      await handle.result();
      return handle.workflowId;
    };
    // Paths of today's code. The foundation-* fixtures came from the code before office tasks existed.
    const paths: Record<string, () => Promise<string | { workflowId: string; runId: string }>> = {
      // Closed at the first level; the citizen answers the survey.
      'lifecycle-first-level': async () => {
        const handle = await open('general-information');
        await handle.executeUpdate(resolveUpdate, { args: [{ outcome: 'resolved', note: 'Risposto al telefono', actor: operator }] });
        await handle.signal(surveyAnswerSignal, { answers: { satisfaction: 4, solved: true } });
        await handle.result();
        return handle.workflowId;
      },
      // Transferred to the office and claimed, still being worked on when the code changes.
      'lifecycle-office-claimed': async () => {
        const handle = await open('tari-refund');
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
        await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
        return handle.workflowId;
      },
      // The office asked the citizen for information and waits, its clock stopped.
      'lifecycle-office-waiting': async () => {
        const handle = await open('tari-refund');
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
        await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
        await handle.executeUpdate(requestInformationUpdate, { args: [{ actor: marco, question: 'la ricevuta di pagamento' }] });
        return handle.workflowId;
      },
      // A complaint about a transferred case opens a linked complaint case.
      'lifecycle-complaint': async () => {
        const handle = await open('tari-refund');
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
        await handle.signal(complainSignal, { text: 'Nessuna risposta', channel: 'phone' });
        for (let i = 0; i < 100 && (await handle.query(snapshotQuery)).complaints.length === 0; i++)
          await new Promise((r) => setTimeout(r, 100));
        return handle.workflowId;
      },
      // Transferred, solicited, completed by the office, survey answered, closed.
      'lifecycle-office-completed': async () => {
        const handle = await open('tari-refund');
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
        await handle.signal(solicitSignal, { channel: 'phone' });
        await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
        await handle.executeUpdate(completeTaskUpdate, { args: [{ actor: marco, answer: 'Rimborso disposto', outcome: 'resolved' }] });
        await handle.signal(surveyAnswerSignal, { answers: { satisfaction: 5, solved: true } });
        await handle.result();
        return handle.workflowId;
      },
      // The office answered; the citizen answers the callback, then the survey.
      'callback-answered': async () => {
        const handle = await open('tari-refund');
        await completed(handle);
        await until(handle, 8); // callback.attempted, callback.answered, survey.sent
        await handle.signal(surveyAnswerSignal, { answers: { satisfaction: 5, solved: true } });
        await handle.result();
        return handle.workflowId;
      },
      // The call cannot be placed: the written fallback; the survey goes unanswered for now.
      'callback-fallback': async () => {
        const handle = await open('tari-refund', {}, { phone: unreachable });
        await completed(handle);
        await until(handle, 9); // callback.attempted, callback.failed, callback.fallback_sent, survey.sent
        return handle.workflowId;
      },
      // Notes, a scheduled callback placed and answered, another one cancelled by the citizen's withdrawal.
      'case-actions': async () => {
        const handle = await open('tari-refund');
        await handle.executeUpdate(addNoteUpdate, { args: [{ actor: operator, text: 'Chiede di essere richiamato' }] });
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
        await handle.executeUpdate(scheduleCallbackUpdate, { args: [{ actor: operator, at: new Date(Date.now() + 2_000).toISOString() }] });
        await until(handle, 6); // callback.attempted, callback.answered
        await handle.executeUpdate(scheduleCallbackUpdate, {
          args: [{ actor: operator, at: new Date(Date.now() + 3_600_000).toISOString() }],
        });
        await handle.executeUpdate(withdrawUpdate, { args: [{ actor: operator, note: 'Non serve più' }] });
        await handle.result();
        return handle.workflowId;
      },
      // A live transfer while the office is open (record it in Milan's office hours), then at the office.
      'live-transfer': async () => {
        const handle = await open('general-information');
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator, live: true }] });
        return handle.workflowId;
      },
      // A long case continues as new at the office: the run that ended so, and the run that carries on.
      'continue-as-new-first-run': async () => {
        const handle = await open('tari-refund', { historyLimit: 40 });
        const first = (await handle.describe()).runId;
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
        await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
        for (let i = 0; i < 5; i++) {
          await handle.signal(solicitSignal, { channel: 'phone' });
          await until(handle, 4 + i);
        }
        if ((await handle.describe()).runId === first) throw new Error('the case did not continue as new');
        return { workflowId: handle.workflowId, runId: first };
      },
      'continue-as-new-resumed': async () => {
        const handle = await open('tari-refund', { historyLimit: 40 });
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
        await handle.executeUpdate(claimTaskUpdate, { args: [{ actor: marco }] });
        for (let i = 0; i < 5; i++) {
          await handle.signal(solicitSignal, { channel: 'phone' });
          await until(handle, 4 + i);
        }
        await handle.executeUpdate(addNoteUpdate, { args: [{ actor: marco, text: 'In lavorazione' }] });
        return handle.workflowId;
      },
      // The database refuses the opening (a constraint): the case is listed stuck; a retry fails again;
      // with the constraint gone the next retry writes it, and it goes on to the office.
      'stuck-cases': async () => {
        await sql`alter table cases add constraint recording_refuses check (subject <> 'Rimborso TARI') not valid`.execute(db);
        const stuckRow = () => db.selectFrom('stuck_cases').select(['case_id', 'attempts', 'resolved_at']).executeTakeFirst();
        const waitFor = async (ok: () => Promise<boolean>) => {
          for (let i = 0; i < 300 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 100));
          if (!(await ok())) throw new Error('the stuck case did not get there');
        };
        const refused = await open('tari-refund').then(
          () => false,
          (err: Error) => (err.cause as { type?: string } | undefined)?.type === caseStuckError,
        );
        if (!refused) throw new Error('the opening was not refused as stuck');
        await waitFor(async () => (await stuckRow()) !== undefined);
        const handle = client.workflow.getHandle<typeof caseWorkflow>((await stuckRow())!.case_id);
        await handle.signal(retryStuckWritesSignal);
        await waitFor(async () => (await stuckRow())?.attempts === 2);
        await sql`alter table cases drop constraint recording_refuses`.execute(db);
        await handle.signal(retryStuckWritesSignal);
        await waitFor(async () => (await stuckRow())?.resolved_at != null);
        await handle.executeUpdate(transferUpdate, { args: [{ actor: operator }] });
        return handle.workflowId;
      },
      // A caller who hung up in the queue: called back at once, answered.
      'abandoned-callback-answered': () => abandonedCallback('+393330000011'),
      // Called back twice without reaching them: the line's text message instead.
      'abandoned-callback-fallback': () => abandonedCallback(unreachable),
    };
    mkdirSync(outDir, { recursive: true });
    for (const [name, run] of Object.entries(paths)) {
      if (only.length > 0 && !only.includes(name)) continue;
      const file = path.join(outDir, `${name}.json`);
      // A recorded history stands for cases running on the code that made it: it is never re-recorded.
      if (existsSync(file)) {
        console.log(`kept ${name} (already recorded)`);
        continue;
      }
      const ran = await run();
      const { workflowId, runId } = typeof ran === 'string' ? { workflowId: ran, runId: undefined } : ran;
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      writeFileSync(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
      console.log(`recorded ${name} (${history.events?.length} events)`);
    }
  },
  [],
  dialer,
);
