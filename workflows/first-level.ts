import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { isOpen } from '../domain/calendar.ts';
import { outcomes } from '../domain/case.ts';
import {
  caseAlreadyClosedError,
  caseStuckError,
  openedUpdate,
  resolveUpdate,
  snapshotQuery,
  type TransferArgs,
  transferUpdate,
} from './case.definitions.ts';
import { type CaseRun, mustBeLifecycle, reject } from './case-run.ts';
import { openTask } from './office-task.ts';

/**
 * The first level: the operator who took the request closes it (when the definition allows) or
 * transfers it to the competent office as a task under the office's service-level clock.
 */
export function registerFirstLevel(run: CaseRun): void {
  const { caseId, def, state, input } = run;

  setHandler(snapshotQuery, run.snapshot);
  setHandler(openedUpdate, async () => {
    await condition(() => run.opened || run.stuck.opening);
    if (!run.opened) {
      throw ApplicationFailure.create({
        type: caseStuckError,
        message: `case ${caseId} could not be written to the database: it is kept, and listed among the stuck cases`,
      });
    }
    return run.snapshot();
  });

  setHandler(
    resolveUpdate,
    async ({ outcome, note, actor }) => {
      await condition(() => run.opened);
      // Re-checked here: two resolutions may both pass the validator before either runs.
      if (state.status !== 'open') {
        throw ApplicationFailure.create({ type: caseAlreadyClosedError, message: `case ${caseId} is already ${state.status}` });
      }
      Object.assign(state, { status: 'resolved', stage: 'resolved', outcome });
      run.stageAttributes();
      await run.record('case.resolved', actor, { outcome, ...(note ? { note } : {}) });
      return run.snapshot();
    },
    {
      validator: ({ outcome }) => {
        if (!outcomes.includes(outcome)) reject(`outcome must be one of ${outcomes.join(', ')}`);
        if (state.status !== 'open') reject(`case ${caseId} is already ${state.status}`);
        if (!run.lifecycle) return;
        if (state.stage !== 'intake') reject('the case is with the office: its task is completed by the office');
        if (!def.firstLevel.operatorMayClose)
          reject(`"${def.service.name}" cannot be closed at the first level: transfer it to the competent office`);
        if (!def.resolution.outcomes.includes(outcome)) reject(`outcome must be one of ${def.resolution.outcomes.join(', ')}`);
      },
    },
  );

  setHandler(
    transferUpdate,
    async ({ actor, note, live }) => {
      await condition(() => run.opened);
      const officeId = def.transfer.offices[input.intake.municipalityId]!;
      run.transferring = true; // a second transfer is refused while this one runs
      const office = await run.cases.officeContext({ officeId }).finally(() => {
        run.transferring = false;
      });
      // Only the office's calendar says whether someone is there to take the call; refused, nothing changes.
      if (live && !isOpen(office.calendar, Date.now())) {
        throw ApplicationFailure.create({
          type: 'OfficeClosed',
          message: `${office.name} is closed now: transfer the case as a task, without live`,
        });
      }
      state.stage = 'office';
      run.calendar = office.calendar;
      state.task = openTask(`${caseId}:1`, officeId, Date.now(), run.calendar, def.sla.office);
      run.changed();
      await run.record('case.transferred', actor, {
        office: officeId,
        dueAt: state.task.dueAt,
        warningAt: state.task.warningAt,
        ...(note ? { note } : {}),
        ...(live ? { live } : {}),
      });
      return run.snapshot();
    },
    {
      validator: ({ live }: TransferArgs) => {
        mustBeLifecycle(run);
        if (run.transferring) reject('a transfer is under way');
        if (state.status !== 'open' || state.stage !== 'intake')
          reject(`the case is ${state.status === 'open' ? `already at stage ${state.stage}` : state.status}`);
        if (!def.transfer.offices[input.intake.municipalityId])
          reject(`"${def.service.name}" has no competent office in ${input.intake.municipalityId}`);
        if (live && def.transfer.mode !== 'live-when-open')
          reject(`"${def.service.name}" is transferred as a task only: its definition allows no live transfer`);
      },
    },
  );
}
