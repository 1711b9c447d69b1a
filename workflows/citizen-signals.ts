import { condition, setHandler } from '@temporalio/workflow';
import { callSignal, citizenInformationSignal, complainSignal, solicitSignal, surveyAnswerSignal } from './case.definitions.ts';
import type { CaseRun } from './case-run.ts';

/**
 * What the citizen sends (information, complaints, solicitations, survey answers) and the calls
 * about the case. Signals only queue or count: the office stage takes them up in order.
 */
export function registerCitizenSignals(run: CaseRun): void {
  const { state } = run;
  setHandler(citizenInformationSignal, (info) => {
    if (state.status === 'open') run.information.push(info);
  });
  // Complaints are taken until the case closes, also after its resolution.
  setHandler(complainSignal, (complaint) => {
    if (run.lifecycle && state.stage !== 'closed') run.complaints.push(complaint);
  });
  setHandler(solicitSignal, () => {
    if (state.status !== 'open') return;
    state.solicitations += 1;
    run.solicitationsToHandle += 1;
  });
  // A new handler (no patch needed): calls are recorded until the case closes, each once.
  setHandler(callSignal, async (call) => {
    const key = `${call.kind}:${call.callId}`;
    if (state.stage === 'closed' || state.calls?.includes(key)) return;
    (state.calls ??= []).push(key);
    await condition(() => run.opened);
    await run.record(`call.${call.kind}`, null, { ...call });
  });
  // An answer can overtake the survey's own delivery report; before resolution there is no survey to answer.
  setHandler(surveyAnswerSignal, ({ answers }) => {
    if (state.status === 'resolved') run.surveyAnswers ??= answers;
  });
}
