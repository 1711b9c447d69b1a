import { allHandlersFinished, condition, log, patched, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { caseSearchAttributes } from '../domain/search-attributes.ts';
import { type CaseSnapshot, type CaseWorkflowInput, retryStuckWritesSignal } from './case.definitions.ts';
import { registerCaseActions } from './case-actions.ts';
import { startRun } from './case-run.ts';
import { registerCitizenSignals } from './citizen-signals.ts';
import { registerFirstLevel } from './first-level.ts';
import { registerOfficeHandlers } from './office-handlers.ts';
import { untilResolved } from './office-stage.ts';
import { afterResolution, notifyOutcome } from './resolution.ts';

/**
 * One workflow per case, id = case id: the only writer of the case's state. Its stages:
 * intake (first level) → office (⇄ waiting-citizen) → resolved → callback → survey → closed.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseSnapshot> {
  // Cases opened before the lifecycle stages existed go on as they started (test/fixtures/histories).
  const lifecycle = patched('lifecycle-stages');
  // A read-model write that fails for good lists the case as stuck instead of retrying forever.
  const run = startRun(input, lifecycle, patched('stuck-cases'));
  registerFirstLevel(run);
  registerOfficeHandlers(run);
  registerCitizenSignals(run);
  registerCaseActions(run);
  setHandler(retryStuckWritesSignal, () => {
    run.stuck.round += 1;
  });

  upsertSearchAttributes([
    { key: caseSearchAttributes.municipality, value: input.intake.municipalityId },
    { key: caseSearchAttributes.service, value: input.intake.serviceCode },
  ]);
  run.stageAttributes();
  if (!input.resume) {
    await run.record('case.opened', input.actor, { channel: input.intake.channel });
    // The citizen hears at once that the request is in, with its number and page (cases opened before it go on without).
    const { phone, email } = input.intake.citizen;
    if ((phone || email) && patched('case-acknowledgement')) {
      const notice = await run.cases.acknowledgeCase({ caseId: run.caseId });
      if (notice) await run.record('citizen.acknowledged', null, { ...notice });
    }
  }
  run.opened = true;

  if (!run.lifecycle) {
    await condition(() => run.state.status !== 'open');
    await notifyOutcome(run, ['citizen.notified', 'citizen.not_notified']);
    log.info('case closed', { caseId: run.caseId, outcome: run.state.outcome });
    await condition(allHandlersFinished);
    return { ...run.state };
  }
  await untilResolved(run);
  await afterResolution(run);
  await condition(allHandlersFinished);
  return run.snapshot();
}
