import type { Transaction } from 'kysely';
import { diffDocuments } from '../domain/definition-diff.ts';
import type { ListTotal, Page } from '../domain/page.ts';
import { definitionIssues, type ServiceDefinition, ServiceDefinitionSchema } from '../domain/service-definition.ts';
import type { Db } from '../db/connection.ts';
import { type Principal, serves } from '../domain/principal.ts';
import { appendAudit } from '../db/audit.repository.ts';
import { listCases } from './cases.service.ts';
import type { Database } from '../db/database.ts';
import {
  caseCountsByStatus,
  type DefinitionVersion,
  findDefinition,
  insertDraft,
  listDefinitions,
  lockDefinitions,
  municipalitiesOffering,
  newestDefinition,
  publishDraft,
  updateDraft,
} from '../db/definitions.repository.ts';
import { ApiError, type FieldError, notFound } from './errors.ts';
import type {
  DefinitionCase,
  DefinitionCasesQuery,
  DefinitionListFilter,
  definitionSortFields,
  DefinitionVersion as DefinitionVersionItem,
  DefinitionVersionDetail,
  DiffEntry,
  ValidationResult,
} from '../contracts/definitions.ts';
import { createOnce } from './idempotency.ts';

type Executor = Db | Transaction<Database>;
/** Who changes a definition, for the audit trail. */
export interface Change {
  principal: Principal;
  requestId: string;
}

export const definitionId = (serviceCode: string, version: number) => `${serviceCode}@${version}`;

/**
 * The municipalities offering a service the caller may see: at least one of them must be the
 * caller's, otherwise the service is answered 404 like one that does not exist.
 */
export async function serviceInScope(db: Executor, serviceCode: string, p: Principal): Promise<string[]> {
  const offering = await municipalitiesOffering(db, serviceCode);
  if (!offering.some((m) => serves(p, m))) throw notFound(`service ${serviceCode}`);
  return offering;
}

/** A version of a service in the caller's scope, or 404. */
export async function versionInScope(db: Executor, serviceCode: string, version: number, p: Principal): Promise<DefinitionVersion> {
  await serviceInScope(db, serviceCode, p);
  const found = await findDefinition(db, serviceCode, version);
  if (!found) throw notFound(`version ${version} of service ${serviceCode}`);
  return found;
}

export async function versionDetail(db: Executor, v: DefinitionVersion, p: Principal): Promise<DefinitionVersionDetail> {
  const casesByStatus = await caseCountsByStatus(db, v.serviceCode, v.version, p.municipalities);
  return {
    id: definitionId(v.serviceCode, v.version),
    serviceCode: v.serviceCode,
    serviceName: v.document.service.name,
    version: v.version,
    status: v.status,
    createdAt: v.createdAt.toISOString(),
    publishedAt: v.publishedAt?.toISOString() ?? null,
    caseCount: Object.values(casesByStatus).reduce((a, b) => a + b, 0),
    casesByStatus,
    document: v.document,
  };
}

/** Versions of the services offered in the caller's municipalities, each with the number of the caller's cases on it. */
export async function listVersions(
  db: Executor,
  p: Principal,
  filter: DefinitionListFilter,
  sort: readonly [(typeof definitionSortFields)[number], 'ASC' | 'DESC'],
  page: Page,
): Promise<{ rows: DefinitionVersionItem[]; total: number }> {
  const { rows, total } = await listDefinitions(db, p.municipalities, filter, sort, page);
  return {
    total,
    rows: rows.map((r) => ({
      id: definitionId(r.service_code, r.version),
      serviceCode: r.service_code,
      serviceName: r.service_name,
      version: r.version,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      publishedAt: r.published_at?.toISOString() ?? null,
      caseCount: r.case_count,
    })),
  };
}

/** The caller's cases pinned to a version, as the designer sees them: no citizen data. */
export async function versionCases(
  db: Executor,
  serviceCode: string,
  version: number,
  p: Principal,
  q: DefinitionCasesQuery,
  page: Page,
): Promise<{ rows: DefinitionCase[]; total: ListTotal }> {
  await versionInScope(db, serviceCode, version, p);
  const { rows, total } = await listCases(
    db,
    p.municipalities,
    { ...q.filter, serviceCode, definitionVersion: version },
    q.sort ?? ['createdAt', 'DESC'],
    page,
  );
  return {
    total,
    rows: rows.map(({ id, municipalityId, municipalityName, subject, status, stage, createdAt }) => ({
      id,
      municipalityId,
      municipalityName,
      subject,
      status,
      stage,
      createdAt,
    })),
  };
}

/** What changed between two versions of a service, leaf by leaf. */
export async function versionDiff(db: Executor, serviceCode: string, from: number, to: number, p: Principal): Promise<DiffEntry[]> {
  const [a, b] = [await versionInScope(db, serviceCode, from, p), await versionInScope(db, serviceCode, to, p)];
  return diffDocuments(a.document, b.document);
}

/** A designer's document checked for this service, without saving it. */
export async function validateDocument(db: Executor, serviceCode: string, body: unknown, p: Principal): Promise<ValidationResult> {
  const offering = await serviceInScope(db, serviceCode, p);
  const issues = await documentIssues(db, serviceCode, offering, body);
  return { valid: issues.length === 0, issues };
}

/**
 * Everything wrong with a designer's document for this service, at its path in the request body:
 * the schema's rules, the service's own code, and the offices it names (every municipality
 * offering the service needs its competent office, an office of that municipality).
 */
export async function documentIssues(db: Executor, serviceCode: string, offering: string[], body: unknown): Promise<FieldError[]> {
  const shape = definitionIssues(body);
  if (shape.length > 0) return shape.map((i) => ({ path: i.path ? `body.${i.path}` : 'body', message: i.message }));
  const d = ServiceDefinitionSchema.parse(body);
  const issues: FieldError[] = [];
  if (d.service.code !== serviceCode)
    issues.push({ path: 'body.service.code', message: `must be "${serviceCode}", the service this definition is for` });
  const offices = new Map(
    (await db.selectFrom('offices').select(['id', 'municipality_id']).execute()).map((o) => [o.id, o.municipality_id]),
  );
  for (const m of offering) {
    if (!d.transfer.offices[m])
      issues.push({ path: `body.transfer.offices.${m}`, message: `"${m}" offers this service: name its competent office` });
  }
  for (const [m, office] of Object.entries(d.transfer.offices)) {
    if (offices.get(office) !== m) issues.push({ path: `body.transfer.offices.${m}`, message: `"${m}" has no office "${office}"` });
  }
  if (d.sla.office.onBreach.type === 'transfer-to-third-level' && !offices.has(d.sla.office.onBreach.office)) {
    issues.push({ path: 'body.sla.office.onBreach.office', message: `no office "${d.sla.office.onBreach.office}"` });
  }
  return issues;
}

async function checkedDocument(db: Executor, serviceCode: string, offering: string[], body: unknown): Promise<ServiceDefinition> {
  const issues = await documentIssues(db, serviceCode, offering, body);
  if (issues.length > 0) throw new ApiError('unprocessable', `the definition of "${serviceCode}" is not valid`, issues);
  return ServiceDefinitionSchema.parse(body);
}

/**
 * A definition is shared by the municipalities offering the service, but each one's competent
 * office is that municipality's business: a designer may not change another city's entry.
 */
function assertOwnOffices(p: Principal, base: DefinitionVersion | undefined, next: ServiceDefinition): void {
  const before = base?.document.transfer.offices ?? {};
  const municipalities = new Set([...Object.keys(before), ...Object.keys(next.transfer.offices)]);
  const touched = [...municipalities].filter((m) => !serves(p, m) && before[m] !== next.transfer.offices[m]);
  if (touched.length > 0) {
    throw new ApiError(
      'forbidden',
      'you may not change the competent office of a municipality you do not serve',
      touched.map((m) => ({ path: `body.transfer.offices.${m}`, message: `you do not serve "${m}"; keep "${before[m] ?? '(none)'}"` })),
    );
  }
}

const openDraft = (v: DefinitionVersion) =>
  new ApiError(
    'conflict',
    `version ${v.version} of "${v.serviceCode}" is an open draft: edit it (PUT /api/definitions/${v.serviceCode}/versions/${v.version}) or publish it first`,
  );
const alreadyPublished = (v: DefinitionVersion) =>
  new ApiError('conflict', `version ${v.version} of "${v.serviceCode}" is published and cannot change: create a new draft`);

/**
 * The next version of a service as a draft; one draft per service at a time. A repeated request
 * (same Idempotency-Key and body) answers with the draft it created.
 */
export async function createDraft(
  db: Db,
  c: Change,
  serviceCode: string,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<{ draft: DefinitionVersion; created: boolean }> {
  const offering = await serviceInScope(db, serviceCode, c.principal);
  const definition = await checkedDocument(db, serviceCode, offering, body);
  const next = ((await newestDefinition(db, serviceCode))?.version ?? 0) + 1;
  const { id, created } = await createOnce(
    db,
    `definitions.draft:${serviceCode}`,
    idempotencyKey,
    body,
    definitionId(serviceCode, next),
    async (trx, id) => {
      await lockDefinitions(trx, serviceCode);
      const base = await newestDefinition(trx, serviceCode);
      if (base?.status === 'draft') throw openDraft(base);
      assertOwnOffices(c.principal, base, definition);
      const version = await insertDraft(trx, definition);
      if (definitionId(serviceCode, version) !== id)
        throw new ApiError('conflict', `another version of "${serviceCode}" was created meanwhile: try again`);
      await appendAudit(trx, {
        actor: c.principal.id,
        role: c.principal.role,
        municipalityId: null,
        action: 'service-definition.drafted',
        targetType: 'service-definition',
        targetId: id,
        requestId: c.requestId,
        after: definition,
      });
    },
  );
  const version = Number(id.slice(id.lastIndexOf('@') + 1));
  return { draft: (await findDefinition(db, serviceCode, version))!, created };
}

/** Replaces the document of a draft. */
export async function editDraft(db: Db, c: Change, serviceCode: string, version: number, body: unknown): Promise<DefinitionVersion> {
  const offering = await serviceInScope(db, serviceCode, c.principal);
  return db.transaction().execute(async (trx) => {
    await lockDefinitions(trx, serviceCode);
    const current = await versionInScope(trx, serviceCode, version, c.principal);
    if (current.status === 'published') throw alreadyPublished(current);
    const definition = await checkedDocument(trx, serviceCode, offering, body);
    assertOwnOffices(c.principal, current, definition);
    await updateDraft(trx, serviceCode, version, definition);
    await appendAudit(trx, {
      actor: c.principal.id,
      role: c.principal.role,
      municipalityId: null,
      action: 'service-definition.draft-updated',
      targetType: 'service-definition',
      targetId: definitionId(serviceCode, version),
      requestId: c.requestId,
      before: current.document,
      after: definition,
    });
    return (await findDefinition(trx, serviceCode, version))!;
  });
}

/** Publishes a draft: new cases start on it; running cases keep the version they pinned. */
export async function publish(db: Db, c: Change, serviceCode: string, version: number): Promise<DefinitionVersion> {
  return db.transaction().execute(async (trx) => {
    await lockDefinitions(trx, serviceCode);
    const current = await versionInScope(trx, serviceCode, version, c.principal);
    if (current.status === 'published') throw new ApiError('conflict', `version ${version} of "${serviceCode}" is published already`);
    await publishDraft(trx, serviceCode, version);
    const published = (await findDefinition(trx, serviceCode, version))!;
    await appendAudit(trx, {
      actor: c.principal.id,
      role: c.principal.role,
      municipalityId: null,
      action: 'service-definition.published',
      targetType: 'service-definition',
      targetId: definitionId(serviceCode, version),
      requestId: c.requestId,
      before: { status: current.status, document: current.document },
      after: { status: published.status, publishedAt: published.publishedAt, document: published.document },
    });
    return published;
  });
}
