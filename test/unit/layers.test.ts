import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import tseslint from 'typescript-eslint';
import { projectRoot } from '../../platform/paths.ts';

/**
 * The layer rule of docs/architecture.md, as lint enforces it: probe files placed (virtually) in a
 * layer import what they may and may not. Type-aware rules are off for the probes: they are not on disk.
 */
const eslint = new ESLint({ cwd: projectRoot, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });

async function problemsOf(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((m) => m.ruleId === 'boundaries/dependencies' || m.ruleId === 'no-restricted-imports')
    .map((m) => m.ruleId);
}

describe('the layer rule', () => {
  it.each([
    ['a repository returning an API DTO', 'db/probe.ts', "import type { Case } from '../contracts/cases.ts';\nexport type X = Case;"],
    ['the data layer reaching up to the API', 'db/probe.ts', "import { buildApp } from '../api/app.ts';\nexport const x = buildApp;"],
    ['domain doing I/O', 'domain/probe.ts', "import { createDb } from '../db/connection.ts';\nexport const x = createDb;"],
    [
      'a route reading a repository instead of a service',
      'api/routes/probe.ts',
      "import { findCase } from '../../db/cases.repository.ts';\nexport const x = findCase;",
    ],
    ['a service importing an edge', 'services/probe.ts', "import { buildApp } from '../api/app.ts';\nexport const x = buildApp;"],
    [
      'workflow code importing activity values',
      'workflows/probe.ts',
      "import { createCaseActivities } from '../activities/case-activities.ts';\nexport const x = createCaseActivities;",
    ],
    ['a Node built-in in workflow code', 'workflows/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    [
      'platform reaching above the data layer',
      'platform/probe.ts',
      "import { openCase } from '../services/cases.service.ts';\nexport const x = openCase;",
    ],
    [
      'a route naming a repository even as a type',
      'api/routes/probe.ts',
      "import type { Scope } from '../../db/cases.repository.ts';\nexport type X = Scope;",
    ],
    [
      'a route opening its own connection',
      'api/routes/probe.ts',
      "import { createDb } from '../../db/connection.ts';\nexport const x = createDb;",
    ],
    [
      'a service importing workflow code',
      'services/probe.ts',
      "import type { caseWorkflow } from '../workflows/case.ts';\nexport type X = typeof caseWorkflow;",
    ],
    [
      'the console importing server code',
      'admin-ui/src/probe.ts',
      "import { createDb } from '../../db/connection.ts';\nexport const x = createDb;",
    ],
  ])('refuses %s (%s)', async (_why, file, code) => {
    expect(await problemsOf(file, code)).not.toEqual([]);
  });

  it.each([
    ['services/probe.ts', "import { findCase } from '../db/cases.repository.ts';\nexport const x = findCase;"],
    [
      'workflows/probe.ts',
      "import type { createCaseActivities } from '../activities/case-activities.ts';\nexport type X = typeof createCaseActivities;",
    ],
    ['api/routes/probe.ts', "import type { Db } from '../../db/connection.ts';\nexport type X = Db;"],
    ['admin-ui/src/probe.ts', "import type { Case } from '../../contracts/cases.ts';\nexport type X = Case;"],
    ['services/probe.ts', "import { caseWorkflowType } from '../workflows/case.definitions.ts';\nexport const x = caseWorkflowType;"],
    ['workers/probe.ts', "import { buildApp } from '../api/app.ts';\nexport const x = buildApp;"],
  ])('allows %s to import %s', async (file, code) => {
    expect(await problemsOf(file, code)).toEqual([]);
  });
});
