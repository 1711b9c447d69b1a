import { allHandlersFinished, condition, log, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { caseSearchAttributes } from '../domain/search-attributes.ts';
import type { CaseSnapshot, CaseWorkflowInput } from './case.definitions.ts';
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
  const run = startRun(input, patched('lifecycle-stages'));
  registerFirstLevel(run);
  registerOfficeHandlers(run);
  registerCitizenSignals(run);
  registerCaseActions(run);

  upsertSearchAttributes([
    { key: caseSearchAttributes.municipality, value: input.intake.municipalityId },
    { key: caseSearchAttributes.service, value: input.intake.serviceCode },
  ]);
  run.stageAttributes();
  if (!input.resume) await run.record('case.opened', input.actor, { channel: input.intake.channel });
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
