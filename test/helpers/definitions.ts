import { demoDefinitions } from '../../catalog/definitions.ts';
import { ServiceDefinitionSchema } from '../../domain/service-definition.ts';
import type { CaseWorkflowInput } from '../../workflows/case.definitions.ts';

/** Version 1 of a demo service's definition, as the seed publishes it. */
export function demoDefinition(code: string): CaseWorkflowInput['definition'] {
  const found = demoDefinitions.find((d) => d.service.code === code);
  if (!found) throw new Error(`no demo definition "${code}"`);
  return { version: 1, document: ServiceDefinitionSchema.parse(found) };
}
