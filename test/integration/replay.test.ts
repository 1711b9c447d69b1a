import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { type ReplayResult, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../platform/paths.ts';
import { installQuietRuntime, workflowBundle } from '../helpers/temporal.ts';

// Histories recorded from earlier code (`npm run fixtures:record`) stand for cases still running
// when the code changes: each must replay against today's workflow code without a determinism error.
const dir = path.join(projectRoot, 'test', 'fixtures', 'histories');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const workflowIdOf = (file: string) => file.replace(/\.json$/, '');

// One replay worker for every fixture (a worker per history costs seconds each); each fixture's
// result is still its own test below.
const results = new Map<string, ReplayResult>();
beforeAll(async () => {
  installQuietRuntime();
  const histories = fixtures.map((file) => ({
    workflowId: workflowIdOf(file),
    history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))),
  }));
  for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, histories))
    results.set(result.workflowId, result);
});

describe('recorded workflow histories replay on the current code', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures)('%s', (file) => {
    const result = results.get(workflowIdOf(file));
    expect(result, 'replayed').toBeDefined();
    expect(result!.error).toBeUndefined();
  });
});
