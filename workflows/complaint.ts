import { log, patched, startChild } from '@temporalio/workflow';
import type { caseWorkflow } from './case.ts';
import { caseWorkflowType } from './case.definitions.ts';
import type { CaseRun, Inbound } from './case-run.ts';

/** Starts the citizen's complaint as a case of its own, linked both ways, living on after this one closes. */
export async function openComplaint(run: CaseRun, { text, channel }: Inbound): Promise<void> {
  const { caseId, input } = run;
  const allocated = await run.cases.allocateComplaint().catch((err: unknown) => {
    // Without a published complaint service the complaint is recorded as not opened; before, the
    // failure ended the case itself.
    if (!patched('complaint-without-service')) throw err;
    return null;
  });
  if (!allocated) {
    await run.record('complaint.not_opened', null, { reason: 'no published complaint service', channel });
    return;
  }
  const { caseId: complaintId, definition } = allocated;
  const started = await startChild<typeof caseWorkflow>(caseWorkflowType, {
    workflowId: complaintId,
    parentClosePolicy: 'ABANDON',
    args: [
      {
        caseId: complaintId,
        definition,
        actor: null,
        telephonyTaskQueue: input.telephonyTaskQueue,
        intake: {
          municipalityId: input.intake.municipalityId,
          serviceCode: 'complaint',
          channel,
          subject: `Reclamo sulla pratica ${caseId}`,
          description: text,
          citizen: input.intake.citizen,
          details: { relatedCase: caseId },
        },
      },
    ],
  }).then(
    () => true,
    (err: Error) => {
      // Only a case-number clash (two databases on one namespace) gets here; the case must go on.
      log.error('complaint case not started', { complaintId, error: err.message });
      return false;
    },
  );
  if (!started) {
    await run.record('complaint.not_opened', null, { complaintCase: complaintId, reason: 'case number already in use' });
    return;
  }
  run.state.complaints.push(complaintId);
  await run.record('complaint.opened', null, { complaintCase: complaintId, channel });
}
