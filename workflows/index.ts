// Entry point of the worker's workflow bundle.
export { caseWorkflow } from './case.ts';
export { abandonedCallbackWorkflow } from './abandoned-callback.ts';
export { retentionWorkflow } from './retention.ts';
