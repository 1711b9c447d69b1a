import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { projectRoot, workflowsPath } from '../../platform/paths.ts';
import { installQuietRuntime } from '../helpers/temporal.ts';

// Histories recorded from earlier code (`npm run fixtures:record`) stand for cases still running
// when the code changes: each must replay against today's workflow code without a determinism error.
const dir = path.join(projectRoot, 'test', 'fixtures', 'histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('recorded workflow histories replay on the current code', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures)('%s', async (file) => {
    installQuietRuntime();
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowsPath }, history, file.replace(/\.json$/, ''))).resolves.toBeUndefined();
  });
});
