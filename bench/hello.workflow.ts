import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

// The baseline of the lifecycle benchmark: the same client round trips against a workflow that does nothing.
export const helloUpdate = defineUpdate<string, [string]>('hello');
export const doneSignal = defineSignal('done');

export async function helloWorkflow(): Promise<void> {
  let done = false;
  setHandler(helloUpdate, (name) => `hello ${name}`);
  setHandler(doneSignal, () => {
    done = true;
  });
  await condition(() => done);
}
