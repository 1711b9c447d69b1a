import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { latestPublished } from '../db/definitions.repository.ts';
import { lineByNumber } from '../db/lines.repository.ts';
import { type CallToIngest as Call, callToIngest } from '../db/calls.repository.ts';
import { openCaseOfCaller } from '../db/cases.repository.ts';
import { officeIdByPhone } from '../db/offices.repository.ts';
import { findStaffRole } from '../db/staff-users.repository.ts';
import { type CaseServiceDeps, openCase } from './cases.service.ts';
import type { CallEvent } from '../domain/call-events.ts';
import type { CaseIntake } from '../domain/case.ts';
import { type IvrOption, type LineRecord, phoneVariants } from '../domain/line.ts';
import { detailsIssues } from '../domain/service-definition.ts';
import type { Logger } from '../platform/logger.ts';
import { type AbandonedCallbackInput, abandonedCallbackWorkflowType } from '../workflows/abandoned-callback.definitions.ts';
import { abandonedCallbackWorkflowId } from './callback-workflow-id.ts';
import { type Actor, type CaseCall, callSignal } from '../workflows/case.definitions.ts';

export type IngestionDeps = CaseServiceDeps & {
  log: Logger;
  /** What the callback workflows' ids are keyed with (platform/citizen-link-secret.ts `workflowIdKey`): no phone number in them. */
  workflowIdKey: Buffer;
};

// The service a call's case falls back to when the chosen one needs details only the operator can ask.
const callIntakeService = 'general-information';

/**
 * Turns recorded call events into case and callback workflows, idempotently (events come again
 * after a restart or from a repeating PBX):
 * - an inbound call an operator answers opens a case (idempotency key: the call) or attaches to
 *   the caller's open case on that line's municipality — a `call.attached` event on the case;
 * - a transfer to a second-level office is recorded on the call's case (`call.transferred`);
 * - a caller who hung up in the queue after the line's minimum wait gets an
 *   abandonedCallbackWorkflow, one per number per line per day (its id a keyed hash, never the number).
 */
export function createIngestion(deps: IngestionDeps) {
  const { db, temporal } = deps;

  /** The caller's open case on the line's municipality, the one this call is already on first. */
  const openCaseOf = (call: Call, line: LineRecord) => openCaseOfCaller(db, line.municipalityId, phoneVariants(call.caller), call.id);

  /** The IVR's service when a case can be opened on it from a call alone; else the general one, with the topic. */
  const intakeOf = async (call: Call, line: LineRecord, option: IvrOption | undefined): Promise<CaseIntake> => {
    const topic = option?.topic ?? 'Telefonata';
    const chosen = option && (await latestPublished(db, option.serviceCode));
    const fits = chosen && detailsIssues(chosen.document.intake.fields, { topic }).length === 0;
    const phone = phoneVariants(call.caller)[1];
    return {
      municipalityId: line.municipalityId,
      serviceCode: fits ? option.serviceCode : callIntakeService,
      channel: 'phone',
      subject: `${line.config.name}: ${topic}`,
      description: `Telefonata ${call.id} da ${call.caller}${option && !fits ? ` (servizio scelto: ${option.serviceCode})` : ''}.`,
      citizen: phone && /^\+[0-9]{6,15}$/.test(phone) ? { phone } : {},
      details: { topic },
    };
  };

  /** The staff user an agent name is, as the case's opener; null for an extension we do not know. */
  const actorOf = async (agent: string | null): Promise<Actor | null> => {
    const user = agent ? await findStaffRole(db, agent) : undefined;
    return user ? { id: user.id, role: user.role, officeId: user.office_id } : null;
  };

  const caseFor = async (call: Call, line: LineRecord, option: IvrOption | undefined) =>
    (await openCaseOf(call, line)) ??
    (await openCase(deps, await intakeOf(call, line, option), `call:${call.id}`, await actorOf(call.agent), [line.municipalityId])).id;

  const signal = async (caseId: string, payload: CaseCall) => {
    await temporal.workflow
      .getHandle(caseId)
      .signal(callSignal, payload)
      .catch((err: unknown) => {
        // Closed between the lookup and the signal: the call simply is not on it.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
  };

  const callBack = async (call: Call, line: LineRecord, at: number) => {
    const input: AbandonedCallbackInput = {
      lineId: line.id,
      phone: call.caller,
      abandonedCallId: call.id,
      calendar: line.calendar,
      policy: line.config.callback,
      telephonyTaskQueue: deps.telephonyTaskQueue,
    };
    await temporal.workflow
      .start(abandonedCallbackWorkflowType, {
        workflowId: abandonedCallbackWorkflowId(deps.workflowIdKey, line.id, call.caller, at),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      })
      .catch((err: unknown) => {
        // Today's callback for this number already ran: one is enough.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      });
  };

  return async function ingest(e: CallEvent): Promise<void> {
    if (e.type !== 'connected' && e.type !== 'abandoned' && e.type !== 'transferred') return;
    const call = await callToIngest(db, e.callId);
    // Our own callbacks are outbound: an answered one opens nothing.
    if (!call || call.direction !== 'inbound') return;
    const line = await lineByNumber(db, call.called);
    if (!line) return;
    const option = call.ivr_choice ? line.config.ivr.options[call.ivr_choice.at(-1)!] : undefined;
    if (e.type === 'abandoned') {
      if (e.phase === 'queued' && e.waitSeconds >= line.config.callback.minWaitSeconds && call.caller !== 'anonymous') {
        await callBack(call, line, Date.parse(e.at));
      }
      return;
    }
    const caseId = await caseFor(call, line, option);
    const base = { callId: call.id, lineId: line.id, caller: call.caller, topic: option?.topic ?? null };
    if (e.type === 'connected') return signal(caseId, { kind: 'attached', ...base, agent: e.agent });
    const officeId =
      option && 'transferTo' in option && option.transferTo === e.target
        ? option.officeId
        : ((await officeIdByPhone(db, phoneVariants(e.target))) ?? null);
    deps.log.info({ caseId, callId: call.id, target: e.target, officeId }, 'call transferred to an office');
    return signal(caseId, { kind: 'transferred', ...base, target: e.target, officeId });
  };
}
