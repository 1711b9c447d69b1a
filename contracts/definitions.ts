import { z } from 'zod';
import { CaseStatusSchema } from '../domain/case.ts';
import { ServiceDefinitionSchema } from '../domain/service-definition.ts';
import { listQuerySchema } from './list-query.ts';

z.globalRegistry.add(ServiceDefinitionSchema, { id: 'ServiceDefinition' });

const DefinitionStatusSchema = z.enum(['draft', 'published']);

export const DefinitionVersionSchema = z.object({
  /** `<serviceCode>@<version>`, e.g. `tari-refund@2`. */
  id: z.string(),
  serviceCode: z.string(),
  serviceName: z.string(),
  version: z.number().int(),
  status: DefinitionStatusSchema,
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  /** Cases of your municipalities pinned to this version, whatever their status. */
  caseCount: z.number().int(),
});
z.globalRegistry.add(DefinitionVersionSchema, { id: 'DefinitionVersion' });

export const DefinitionVersionDetailSchema = DefinitionVersionSchema.extend({
  document: ServiceDefinitionSchema,
  casesByStatus: z.record(CaseStatusSchema, z.number().int()),
});
z.globalRegistry.add(DefinitionVersionDetailSchema, { id: 'DefinitionVersionDetail' });

/** A case as the designer sees it: which version it runs on and where it stands, no citizen data. */
export const DefinitionCaseSchema = z.object({
  id: z.string(),
  municipalityId: z.string(),
  municipalityName: z.string(),
  subject: z.string(),
  status: CaseStatusSchema,
  stage: z.string(),
  createdAt: z.string(),
});
z.globalRegistry.add(DefinitionCaseSchema, { id: 'DefinitionCase' });

const IssueSchema = z.object({ path: z.string(), message: z.string() });
export const ValidationResultSchema = z.object({ valid: z.boolean(), issues: z.array(IssueSchema) });
z.globalRegistry.add(ValidationResultSchema, { id: 'DefinitionValidation' });

export const DiffEntrySchema = z.object({
  path: z.string(),
  op: z.enum(['added', 'removed', 'changed']),
  /** The value in `from`; absent when added. */
  from: z.unknown().optional(),
  /** The value in `to`; absent when removed. */
  to: z.unknown().optional(),
});
z.globalRegistry.add(DiffEntrySchema, { id: 'DefinitionDiffEntry' });

/**
 * A definition document as the designer sends it. Checked by the API rather than by the route's
 * schema, so every problem (cross-field rules and references to offices too) is a 422 at its path.
 */
export const DocumentBodySchema = z
  .record(z.string(), z.unknown())
  .meta({ description: 'A ServiceDefinition document; problems are answered 422 with their paths under `body.`' });

export const ServiceParams = z.object({ serviceCode: z.string().regex(/^[a-z0-9][a-z0-9-]{1,59}$/, 'a service code such as tari-refund') });
const version = z.coerce.number().int().positive();
export const VersionParams = ServiceParams.extend({ version });
export const DiffQuerySchema = z.object({ from: version, to: version });

export const definitionSortFields = ['serviceCode', 'version', 'publishedAt'] as const;
export const DefinitionListQuerySchema = listQuerySchema(
  definitionSortFields,
  z
    .object({
      serviceCode: z.string().optional(),
      status: DefinitionStatusSchema.optional(),
    })
    .strict(),
);

export const DefinitionCasesQuerySchema = listQuerySchema(
  ['createdAt', 'status', 'id'] as const,
  z
    .object({
      status: CaseStatusSchema.optional(),
      municipalityId: z.string().optional(),
    })
    .strict(),
);

export type DefinitionVersion = z.infer<typeof DefinitionVersionSchema>;
export type DefinitionVersionDetail = z.infer<typeof DefinitionVersionDetailSchema>;
export type DefinitionCase = z.infer<typeof DefinitionCaseSchema>;
export type DefinitionListFilter = NonNullable<z.infer<typeof DefinitionListQuerySchema>['filter']>;
export type DefinitionCasesQuery = z.infer<typeof DefinitionCasesQuerySchema>;
export type ValidationResult = z.infer<typeof ValidationResultSchema>;
export type DiffEntry = z.infer<typeof DiffEntrySchema>;
