import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseIntake, CaseStatus, Outcome, ResolveCommand } from '../domain/case.ts';
import type { ServiceDefinition } from '../domain/service-definition.ts';

/** What the API and the worker share about the case workflow, without importing workflow code. */
export const caseWorkflowType = 'caseWorkflow';

export interface CaseWorkflowInput {
  caseId: string;
  intake: CaseIntake;
  /** The published definition the case runs on to its end, whatever is published later. */
  definition: { version: number; document: ServiceDefinition };
  /** Staff user or integration that opened the case (null until authentication lands). */
  actor: string | null;
  telephonyTaskQueue: string;
}

export interface CaseSnapshot {
  caseId: string;
  status: CaseStatus;
  stage: string;
  outcome: Outcome | null;
  lastSeq: number;
}

export type ResolveCaseArgs = ResolveCommand & { actor: string | null };

/** Returns once the case's opening is in the read model, so the caller can read its own write. */
export const openedUpdate = defineUpdate<CaseSnapshot>('opened');
export const resolveUpdate = defineUpdate<CaseSnapshot, [ResolveCaseArgs]>('resolve');
export const snapshotQuery = defineQuery<CaseSnapshot>('snapshot');

export const caseAlreadyClosedError = 'CaseAlreadyClosed';
