import { allHandlersFinished, condition, patched } from '@temporalio/workflow';
import type { NotifyCitizen } from '../activities/telephony-activities.ts';
import { callBackWithAnswer } from './callback.ts';
import type { CaseRun } from './case-run.ts';
import { openComplaint } from './complaint.ts';

const hour = 3_600_000;
const noContact = { reason: 'no phone or e-mail on file' };

/** Tells the citizen in writing how the case ended. */
export async function notifyOutcome(
  run: CaseRun,
  events: [sent: string, notSent: string],
  preferred?: NotifyCitizen['preferred'],
): Promise<void> {
  const { caseId, state } = run;
  const notice = await run.telephony.notifyCitizen({ caseId, dedupKey: `${caseId}:resolution`, outcome: state.outcome, preferred });
  await run.record(notice ? events[0] : events[1], null, notice ? { ...notice } : noContact);
}

/** The resolved case: the citizen hears the answer, is surveyed, and the case closes. */
export async function afterResolution(run: CaseRun): Promise<void> {
  const { def, state } = run;
  // The resolving update finishes recording (and answers with the resolved case) before the citizen is told.
  await condition(allHandlersFinished);
  if (state.scheduledCallback) {
    const { at } = state.scheduledCallback;
    state.scheduledCallback = null;
    await run.record('callback.cancelled', null, { at, reason: `the case is ${state.outcome === 'withdrawn' ? 'withdrawn' : 'resolved'}` });
  }
  // The office's answer goes to the citizen by phone when the definition has a callback policy, in writing otherwise or failing that.
  if (run.answerReady && patched('callback-stage')) {
    state.stage = 'callback';
    run.stageAttributes();
    const answered = run.caller ? await callBackWithAnswer(run.caller) : false;
    if (!run.caller) await run.record('callback.failed', null, { purpose: 'answer-ready', attempts: 0, reason: 'no phone number on file' });
    // The definition's written fallback: a letter when the citizen gave a postal address (else SMS or e-mail, said in the event).
    if (!answered) await notifyOutcome(run, ['callback.fallback_sent', 'callback.fallback_not_sent'], def.callback.fallback);
  } else {
    await notifyOutcome(run, ['citizen.notified', 'citizen.not_notified']);
  }

  // A withdrawn request is not surveyed.
  if (def.survey.enabled && !run.withdrawn) {
    state.stage = 'survey';
    run.stageAttributes();
    const sent = await run.telephony.sendSurvey({
      caseId: run.caseId,
      dedupKey: `${run.caseId}:survey`,
      channel: def.survey.channel,
      questions: def.survey.questions.map((q) => q.text),
    });
    await run.record(sent ? 'survey.sent' : 'survey.not_sent', null, sent ? { ...sent } : noContact);
    if (sent) {
      const answered = await condition(() => run.surveyAnswers !== undefined, def.survey.waitHours * hour);
      await run.record(answered ? 'survey.answered' : 'survey.expired', null, answered ? { answers: run.surveyAnswers } : {});
    }
  }
  while (run.complaints.length > 0) await openComplaint(run, run.complaints.shift()!);
  state.stage = 'closed';
  run.stageAttributes();
  await run.record('case.closed', null);
}
