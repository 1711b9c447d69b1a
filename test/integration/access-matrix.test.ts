import { auditKeys } from '../../platform/audit-keys.ts';
import { sealAll } from '../../services/audit-sealer.ts';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access, Principal } from '../../domain/principal.ts';
import { randomUUID } from 'node:crypto';
import { recordCallEvent } from '../../db/calls.repository.ts';
import { insertCitizen } from '../../db/citizens.repository.ts';
import { insertLegalHold } from '../../db/legal-holds.repository.ts';
import { mergeCitizens as mergeCitizenRecords } from '../../services/citizen-registry.service.ts';
import { enqueueMessage, recordFailed } from '../../db/outbound-messages.repository.ts';
import { recordStuckWrite } from '../../db/stuck-cases.repository.ts';
import { createLetterAdapter } from '../../notifications/letter.ts';
import { claimDue, markSent } from '../../services/outbox.service.ts';
import { demoCalendars } from '../../catalog/calendars.ts';
import { demoDefinitions } from '../../catalog/definitions.ts';
import { staffRoles, type StaffRole } from '../../domain/case.ts';
import { storeAttachment } from '../../services/attachments.service.ts';
import { staffClient, type StaffClient, startTestApi, type TestApi, testApiKey } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

/**
 * Every /api route × every role × the caller's own municipality and another one. The callers serve
 * Milan; Florence is "other". The table below must name every route the app declares, with the
 * roles it expects: a new route fails this test until its expectation is written here.
 *
 * scope: `path` — another municipality's id answers 404; `body` — creating for another
 * municipality is 403; `list` — rows of another municipality never appear; `none` — not
 * municipality data (the session, the audit verification).
 */
type Scope = 'path' | 'body' | 'list' | 'none';
interface Call {
  url: string;
  body?: unknown;
}
interface Expectation {
  access: Access;
  scope: Scope;
  own: (f: Fixtures) => Call;
  other?: (f: Fixtures) => Call;
}
interface Fixtures {
  milanCase: string;
  florenceCase: string;
  milanKey: string;
  florenceKey: string;
  milanLetter: string;
  florenceLetter: string;
  /** An Open311 app's key for Milan (the secret: Open311 sends it as the api_key parameter). */
  open311Key: string;
  milanMessage: number;
  florenceMessage: number;
  milanAttachment: string;
  florenceAttachment: string;
  /** A sealed audit record of each municipality's chain. */
  milanAudit: number;
  florenceAudit: number;
  /** Two citizen records of each municipality, likely one person, and a merge of two others. */
  milanPair: [string, string];
  florencePair: [string, string];
  milanMerge: string;
  florenceMerge: string;
  /** A citizen record of each municipality with no case (erased by the first allowed role), and a legal hold on a case of each. */
  milanPerson: string;
  florencePerson: string;
  milanHold: string;
  florenceHold: string;
}

const anyone = [...staffRoles];
const readCases = ['operator', 'backoffice', 'supervisor', 'auditor', 'admin'] as const;
const frontOffice = ['operator', 'supervisor', 'admin'] as const;
const officeWork = ['backoffice', 'supervisor', 'admin'] as const;
const caseWork = ['operator', 'backoffice', 'supervisor', 'admin'] as const;
const readDefinitions = ['designer', 'supervisor', 'auditor', 'admin'] as const;
const design = ['designer', 'admin'] as const;
const editKnowledge = ['designer', 'supervisor', 'admin'] as const;
const audit = ['auditor', 'admin'] as const;
const admin = ['admin'] as const;
const readKpis = ['supervisor', 'auditor', 'admin'] as const;
const manageMessages = ['supervisor', 'admin'] as const;
const mergeCitizens = ['supervisor', 'admin'] as const;
const exportCitizens = ['auditor', 'admin'] as const;
const kpiRange = 'from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z';

const pothole = (municipalityId: string) => ({
  municipalityId,
  serviceCode: 'general-information',
  channel: 'phone',
  subject: 'Orari degli uffici',
  citizen: { phone: '+393401112233' },
  details: { topic: 'orari' },
});
const article = (municipalityId: string) => ({
  municipalityId,
  title: 'Orari estivi degli uffici',
  body: 'Dal 1 luglio gli uffici chiudono alle 13.',
  validFrom: '2026-01-01',
});
const areaC = demoDefinitions.find((d) => d.service.code === 'area-c-fine-dispute')!;
const nursery = demoDefinitions.find((d) => d.service.code === 'nursery-enrolment')!;
const calendar = (municipalityId: string) => ({
  id: `${municipalityId}-estate`,
  municipalityId,
  name: 'Orario estivo',
  spec: demoCalendars[0]!.spec,
});

// Case and task routes: own = a Milan case, other = a Florence case.
const onCase = (path: string, body: unknown): Pick<Expectation, 'own' | 'other'> => ({
  own: (f) => ({ url: `/api/cases/${f.milanCase}${path}`, body }),
  other: (f) => ({ url: `/api/cases/${f.florenceCase}${path}`, body }),
});
const onTask = (action: string, body: unknown): Pick<Expectation, 'own' | 'other'> => ({
  own: (f) => ({ url: `/api/tasks/${f.milanCase}:1/${action}`, body }),
  other: (f) => ({ url: `/api/tasks/${f.florenceCase}:1/${action}`, body }),
});
const byId = (base: string, own: string, other: string, suffix = '', body?: unknown): Pick<Expectation, 'own' | 'other'> => ({
  own: () => ({ url: `${base}/${own}${suffix}`, body }),
  other: () => ({ url: `${base}/${other}${suffix}`, body }),
});
const list = (url: string): Pick<Expectation, 'own'> => ({ own: () => ({ url }) });
const onStuckCase = (): Pick<Expectation, 'own' | 'other'> => ({
  own: (f) => ({ url: `/api/stuck-cases/${f.milanCase}/retry`, body: {} }),
  other: (f) => ({ url: `/api/stuck-cases/${f.florenceCase}/retry`, body: {} }),
});

const expectations: Record<string, Expectation> = {
  'POST /api/cases': {
    access: frontOffice,
    scope: 'body',
    own: () => ({ url: '/api/cases', body: pothole('milano') }),
    other: () => ({ url: '/api/cases', body: pothole('firenze') }),
  },
  'GET /api/cases': { access: readCases, scope: 'list', ...list('/api/cases?range=[0,999]') },
  'GET /api/cases/:id': { access: readCases, scope: 'path', ...onCase('', undefined) },
  'POST /api/cases/:id/resolve': { access: frontOffice, scope: 'path', ...onCase('/resolve', { outcome: 'redirected' }) },
  'POST /api/cases/:id/transfer': { access: frontOffice, scope: 'path', ...onCase('/transfer', {}) },
  'POST /api/cases/:id/solicitations': { access: frontOffice, scope: 'path', ...onCase('/solicitations', { channel: 'phone' }) },
  'POST /api/cases/:id/complaints': {
    access: frontOffice,
    scope: 'path',
    ...onCase('/complaints', { channel: 'phone', text: 'Nessuna risposta' }),
  },
  'POST /api/cases/:id/information': {
    access: frontOffice,
    scope: 'path',
    ...onCase('/information', { channel: 'email', text: 'Allegato' }),
  },
  'POST /api/cases/:id/survey-answers': {
    access: frontOffice,
    scope: 'path',
    ...onCase('/survey-answers', { answers: { satisfaction: 5 } }),
  },
  'GET /api/cases/:id/attachments': { access: readCases, scope: 'path', ...onCase('/attachments', undefined) },
  'GET /api/attachments/:id': {
    access: readCases,
    scope: 'path',
    own: (f) => ({ url: `/api/attachments/${f.milanAttachment}` }),
    other: (f) => ({ url: `/api/attachments/${f.florenceAttachment}` }),
  },
  'POST /api/cases/:id/notes': { access: caseWork, scope: 'path', ...onCase('/notes', { text: 'Richiamare dopo le 15' }) },
  'POST /api/cases/:id/callbacks': { access: frontOffice, scope: 'path', ...onCase('/callbacks', { at: '2030-01-08T10:00:00+01:00' }) },
  'POST /api/cases/:id/withdraw': { access: frontOffice, scope: 'path', ...onCase('/withdraw', { note: 'Ritirata al telefono' }) },
  'GET /api/tasks': { access: officeWork, scope: 'list', ...list('/api/tasks?range=[0,999]') },
  'POST /api/tasks/:id/claim': { access: officeWork, scope: 'path', ...onTask('claim', {}) },
  'POST /api/tasks/:id/release': { access: officeWork, scope: 'path', ...onTask('release', {}) },
  'POST /api/tasks/:id/complete': { access: officeWork, scope: 'path', ...onTask('complete', { answer: 'Fatto', outcome: 'resolved' }) },
  'POST /api/tasks/:id/reassign': { access: officeWork, scope: 'path', ...onTask('reassign', { toOffice: 'mi-urp' }) },
  'POST /api/tasks/:id/request-information': {
    access: officeWork,
    scope: 'path',
    ...onTask('request-information', { question: 'Il numero del verbale' }),
  },
  'GET /api/services': { access: anyone, scope: 'list', ...list('/api/services?range=[0,999]') },
  'GET /api/services/:id/intake': {
    access: anyone,
    scope: 'path',
    ...byId('/api/services', 'milano:tari-refund', 'firenze:tari-refund', '/intake'),
  },
  'GET /api/definitions': { access: readDefinitions, scope: 'list', ...list('/api/definitions?range=[0,999]') },
  'GET /api/definitions/:serviceCode/versions/:version': {
    access: readDefinitions,
    scope: 'path',
    ...byId('/api/definitions', 'area-c-fine-dispute', 'nursery-enrolment', '/versions/1'),
  },
  'GET /api/definitions/:serviceCode/versions/:version/cases': {
    access: readDefinitions,
    scope: 'path',
    ...byId('/api/definitions', 'area-c-fine-dispute', 'nursery-enrolment', '/versions/1/cases'),
  },
  'GET /api/definitions/:serviceCode/diff': {
    access: readDefinitions,
    scope: 'path',
    ...byId('/api/definitions', 'area-c-fine-dispute', 'nursery-enrolment', '/diff?from=1&to=1'),
  },
  'POST /api/definitions/:serviceCode/validate': {
    access: design,
    scope: 'path',
    own: () => ({ url: '/api/definitions/area-c-fine-dispute/validate', body: areaC }),
    other: () => ({ url: '/api/definitions/nursery-enrolment/validate', body: nursery }),
  },
  'POST /api/definitions/:serviceCode/drafts': {
    access: design,
    scope: 'path',
    own: () => ({ url: '/api/definitions/area-c-fine-dispute/drafts', body: areaC }),
    other: () => ({ url: '/api/definitions/nursery-enrolment/drafts', body: nursery }),
  },
  'PUT /api/definitions/:serviceCode/versions/:version': {
    access: design,
    scope: 'path',
    own: () => ({ url: '/api/definitions/area-c-fine-dispute/versions/2', body: areaC }),
    other: () => ({ url: '/api/definitions/nursery-enrolment/versions/1', body: nursery }),
  },
  'POST /api/definitions/:serviceCode/versions/:version/publish': {
    access: design,
    scope: 'path',
    ...byId('/api/definitions', 'area-c-fine-dispute', 'nursery-enrolment', '/versions/2/publish', {}),
  },
  'POST /api/session': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/api/session', body: { email: 'nobody@example.org', password: 'x' } }),
  },
  'GET /api/session': { access: anyone, scope: 'none', own: () => ({ url: '/api/session' }) },
  'DELETE /api/session': { access: 'public', scope: 'none', own: () => ({ url: '/api/session' }) },
  'GET /api/audit': { access: audit, scope: 'list', ...list('/api/audit?range=[0,999]') },
  'GET /api/audit/verify': { access: audit, scope: 'none', own: () => ({ url: '/api/audit/verify' }) },
  // Another municipality's payloads come back still encrypted (test/integration/payload-encryption.test.ts).
  'POST /api/temporal-codec/decode': {
    access: audit,
    scope: 'none',
    own: () => ({ url: '/api/temporal-codec/decode', body: { payloads: [] } }),
  },
  'GET /api/audit/:id/proof': {
    access: audit,
    scope: 'path',
    own: (f) => ({ url: `/api/audit/${f.milanAudit}/proof` }),
    other: (f) => ({ url: `/api/audit/${f.florenceAudit}/proof` }),
  },
  'GET /api/api-keys': { access: admin, scope: 'list', ...list('/api/api-keys') },
  'POST /api/api-keys': {
    access: admin,
    scope: 'body',
    own: () => ({ url: '/api/api-keys', body: { name: 'Portale', role: 'operator', municipalities: ['milano'] } }),
    other: () => ({ url: '/api/api-keys', body: { name: 'Portale', role: 'operator', municipalities: ['firenze'] } }),
  },
  'POST /api/api-keys/:id/revoke': {
    access: admin,
    scope: 'path',
    own: (f) => ({ url: `/api/api-keys/${f.milanKey}/revoke`, body: {} }),
    other: (f) => ({ url: `/api/api-keys/${f.florenceKey}/revoke`, body: {} }),
  },
  'GET /api/knowledge/search': { access: anyone, scope: 'list', ...list('/api/knowledge/search?q=rimborso%20tari') },
  'GET /api/knowledge/articles': { access: anyone, scope: 'list', ...list('/api/knowledge/articles?range=[0,999]') },
  'GET /api/knowledge/articles/:id': {
    access: anyone,
    scope: 'path',
    ...byId('/api/knowledge/articles', 'mi-rimborso-tari', 'fi-rimborso-tari'),
  },
  'GET /api/knowledge/articles/:id/versions/:version': {
    access: anyone,
    scope: 'path',
    ...byId('/api/knowledge/articles', 'mi-rimborso-tari', 'fi-rimborso-tari', '/versions/1'),
  },
  'POST /api/knowledge/articles': {
    access: editKnowledge,
    scope: 'body',
    own: () => ({ url: '/api/knowledge/articles', body: article('milano') }),
    other: () => ({ url: '/api/knowledge/articles', body: article('firenze') }),
  },
  'PUT /api/knowledge/articles/:id': {
    access: editKnowledge,
    scope: 'path',
    ...byId('/api/knowledge/articles', 'mi-rimborso-tari', 'fi-rimborso-tari', '', {
      ...article('milano'),
      municipalityId: undefined,
      expectedVersion: 1,
    }),
  },
  'POST /api/knowledge/articles/:id/archive': {
    access: editKnowledge,
    scope: 'path',
    ...byId('/api/knowledge/articles', 'mi-cambio-residenza', 'fi-cambio-residenza', '/archive', {}),
  },
  'GET /api/municipalities': { access: anyone, scope: 'list', ...list('/api/municipalities') },
  'GET /api/municipalities/:id': { access: anyone, scope: 'path', ...byId('/api/municipalities', 'milano', 'firenze') },
  'POST /api/municipalities': {
    access: admin,
    scope: 'none',
    own: () => ({ url: '/api/municipalities', body: { id: 'bergamo', name: 'Comune di Bergamo', istatCode: '016024' } }),
  },
  'PUT /api/municipalities/:id': {
    access: admin,
    scope: 'path',
    ...byId('/api/municipalities', 'milano', 'firenze', '', { name: 'Comune di Milano' }),
  },
  'GET /api/municipalities/:id/message-templates': {
    access: admin,
    scope: 'path',
    ...byId('/api/municipalities', 'milano', 'firenze', '/message-templates'),
  },
  'PUT /api/municipalities/:id/message-templates/:event/:language': {
    access: admin,
    scope: 'path',
    ...byId('/api/municipalities', 'milano', 'firenze', '/message-templates/citizen.reminded/en', { body: 'Request {caseId}: in hand.' }),
  },
  'DELETE /api/municipalities/:id/message-templates/:event/:language': {
    access: admin,
    scope: 'path',
    ...byId('/api/municipalities', 'milano', 'firenze', '/message-templates/citizen.reminded/en'),
  },
  'POST /api/municipalities/:id/message-templates/:event/:language/preview': {
    access: admin,
    scope: 'path',
    ...byId('/api/municipalities', 'milano', 'firenze', '/message-templates/citizen.reminded/en/preview', { body: 'Request {caseId}.' }),
  },
  'GET /api/offices': { access: anyone, scope: 'list', ...list('/api/offices?range=[0,999]') },
  'GET /api/offices/:id': { access: anyone, scope: 'path', ...byId('/api/offices', 'mi-tributi', 'fi-tributi') },
  'POST /api/offices': {
    access: admin,
    scope: 'body',
    own: () => ({
      url: '/api/offices',
      body: { id: 'mi-verde', municipalityId: 'milano', name: 'Verde pubblico', calendarId: 'mi-uffici' },
    }),
    other: () => ({
      url: '/api/offices',
      body: { id: 'fi-verde', municipalityId: 'firenze', name: 'Verde pubblico', calendarId: 'fi-uffici' },
    }),
  },
  'PUT /api/offices/:id': {
    access: admin,
    scope: 'path',
    ...byId('/api/offices', 'mi-tributi', 'fi-tributi', '', { name: 'Area Tributi' }),
  },
  'GET /api/calendars': { access: anyone, scope: 'list', ...list('/api/calendars?range=[0,999]') },
  'GET /api/calendars/:id': { access: anyone, scope: 'path', ...byId('/api/calendars', 'mi-uffici', 'fi-uffici') },
  'POST /api/calendars': {
    access: admin,
    scope: 'body',
    own: () => ({ url: '/api/calendars', body: calendar('milano') }),
    other: () => ({ url: '/api/calendars', body: calendar('firenze') }),
  },
  'PUT /api/calendars/:id': {
    access: admin,
    scope: 'path',
    ...byId('/api/calendars', 'mi-uffici', 'fi-uffici', '', { name: 'Uffici comunali' }),
  },
  'GET /api/users': { access: admin, scope: 'list', ...list('/api/users?range=[0,999]') },
  'GET /api/users/:id': { access: admin, scope: 'path', ...byId('/api/users', 'giulia.operatrice', 'lorenzo.operatore') },
  'POST /api/users': {
    access: admin,
    scope: 'body',
    own: () => ({
      url: '/api/users',
      body: { id: 'nuova.operatrice', displayName: 'Nuova', email: 'nuova@020202.example', role: 'operator', municipalities: ['milano'] },
    }),
    other: () => ({
      url: '/api/users',
      body: { id: 'nuovo.operatore', displayName: 'Nuovo', email: 'nuovo@055055.example', role: 'operator', municipalities: ['firenze'] },
    }),
  },
  'PUT /api/users/:id': {
    access: admin,
    scope: 'path',
    ...byId('/api/users', 'giulia.operatrice', 'lorenzo.operatore', '', { displayName: 'Giulia Rossi' }),
  },
  'POST /api/users/:id/disable': {
    access: admin,
    scope: 'path',
    ...byId('/api/users', 'giulia.operatrice', 'lorenzo.operatore', '/disable', {}),
  },
  'POST /api/users/:id/enable': {
    access: admin,
    scope: 'path',
    ...byId('/api/users', 'giulia.operatrice', 'lorenzo.operatore', '/enable', {}),
  },
  'POST /api/users/:id/password': {
    access: admin,
    scope: 'path',
    ...byId('/api/users', 'giulia.operatrice', 'lorenzo.operatore', '/password', { password: 'una password lunga' }),
  },
  'GET /api/citizens/lookup': {
    access: readCases,
    scope: 'path',
    own: () => ({ url: '/api/citizens/lookup?phone=%2B393401112233' }),
    other: () => ({ url: '/api/citizens/lookup?phone=%2B393409998877' }),
  },
  'GET /api/citizens/duplicates': { access: mergeCitizens, scope: 'list', ...list('/api/citizens/duplicates') },
  // The first merge of Milan's pair answers 201, the next ones 409 (merged already).
  'POST /api/citizens/merges': {
    access: mergeCitizens,
    scope: 'path',
    own: (f) => ({ url: '/api/citizens/merges', body: { targetId: f.milanPair[0], sourceId: f.milanPair[1] } }),
    other: (f) => ({ url: '/api/citizens/merges', body: { targetId: f.florencePair[0], sourceId: f.florencePair[1] } }),
  },
  'POST /api/citizens/merges/:id/undo': {
    access: mergeCitizens,
    scope: 'path',
    own: (f) => ({ url: `/api/citizens/merges/${f.milanMerge}/undo`, body: {} }),
    other: (f) => ({ url: `/api/citizens/merges/${f.florenceMerge}/undo`, body: {} }),
  },
  // The citizen's right of access: the whole file of a record, for admin and auditor only.
  'GET /api/citizens/:id/export': {
    access: exportCitizens,
    scope: 'path',
    own: (f) => ({ url: `/api/citizens/${f.milanPair[0]}/export` }),
    other: (f) => ({ url: `/api/citizens/${f.florencePair[0]}/export` }),
  },
  'GET /api/citizens/:id/export.pdf': {
    access: exportCitizens,
    scope: 'path',
    own: (f) => ({ url: `/api/citizens/${f.milanPair[0]}/export.pdf` }),
    other: (f) => ({ url: `/api/citizens/${f.florencePair[0]}/export.pdf` }),
  },
  // The first erasure of Milan's person answers 200, the next ones 409 (erased already).
  'POST /api/citizens/:id/erase': {
    access: admin,
    scope: 'path',
    own: (f) => ({ url: `/api/citizens/${f.milanPerson}/erase`, body: { reason: 'Richiesta prot. 1/2026' } }),
    other: (f) => ({ url: `/api/citizens/${f.florencePerson}/erase`, body: { reason: 'Richiesta prot. 1/2026' } }),
  },
  'POST /api/legal-holds': {
    access: admin,
    scope: 'path',
    own: (f) => ({ url: '/api/legal-holds', body: { targetType: 'case', targetId: f.milanCase, reason: 'Ricorso' } }),
    other: (f) => ({ url: '/api/legal-holds', body: { targetType: 'case', targetId: f.florenceCase, reason: 'Ricorso' } }),
  },
  'GET /api/legal-holds': { access: admin, scope: 'list', ...list('/api/legal-holds') },
  // The first release answers 200, the next ones 409 (released already).
  'DELETE /api/legal-holds/:id': {
    access: admin,
    scope: 'path',
    own: (f) => ({ url: `/api/legal-holds/${f.milanHold}` }),
    other: (f) => ({ url: `/api/legal-holds/${f.florenceHold}` }),
  },
  'GET /api/calls': { access: readCases, scope: 'list', ...list('/api/calls?range=[0,999]') },
  'GET /api/calls/:id': { access: readCases, scope: 'path', ...byId('/api/calls', 'call-milano', 'call-firenze') },
  // A PBX's webhook, authenticated by the line's token, not a session: anonymous with no token is a 401.
  'POST /api/cti/:lineId': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/api/cti/mi-020202', body: { event: 'hangup', callId: 'x', cause: 'cancel' } }),
  },
  'POST /api/cases/:id/citizen-link/revoke': { access: caseWork, scope: 'path', ...onCase('/citizen-link/revoke', {}) },
  // The citizen's page: public (the link is the credential); an unknown token is a 404 page.
  'GET /c/:token': { access: 'public', scope: 'none', own: () => ({ url: '/c/an-unknown-token-0123456789' }) },
  'POST /c/:token/:action': { access: 'public', scope: 'none', own: () => ({ url: '/c/an-unknown-token-0123456789/solicit', body: {} }) },
  'GET /c/assets/bootstrap-italia.min.css': { access: 'public', scope: 'none', own: () => ({ url: '/c/assets/bootstrap-italia.min.css' }) },
  'GET /c/assets/page.css': { access: 'public', scope: 'none', own: () => ({ url: '/c/assets/page.css' }) },
  'GET /c/assets/fonts/Titillium_Web/:file': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/c/assets/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2' }),
  },
  'GET /api/survey-answers': { access: ['supervisor', 'auditor', 'admin'], scope: 'list', ...list('/api/survey-answers?range=[0,999]') },
  'GET /api/messages': { access: manageMessages, scope: 'list', ...list('/api/messages?range=[0,999]') },
  // The first retry of Milan's failed message answers 200, the next ones 409 (no longer failed).
  'POST /api/messages/:id/retry': {
    access: manageMessages,
    scope: 'path',
    own: (f) => ({ url: `/api/messages/${f.milanMessage}/retry`, body: {} }),
    other: (f) => ({ url: `/api/messages/${f.florenceMessage}/retry`, body: {} }),
  },
  'GET /api/cases/:id/messages': { access: readCases, scope: 'path', ...onCase('/messages', undefined) },
  'GET /api/stuck-cases': { access: admin, scope: 'list', ...list('/api/stuck-cases?range=[0,999]') },
  // A stuck row on each municipality's running case: the retry signals its workflow (202, again and again).
  'POST /api/stuck-cases/:caseId/retry': { access: admin, scope: 'path', ...onStuckCase() },
  'GET /api/kpi/definitions': { access: readKpis, scope: 'none', own: () => ({ url: '/api/kpi/definitions' }) },
  // KPIs are figures, not rows: filtering on a municipality the caller does not serve is a 404.
  'GET /api/kpi/cases': {
    access: readKpis,
    scope: 'path',
    own: () => ({ url: `/api/kpi/cases?${kpiRange}&municipalityId=milano` }),
    other: () => ({ url: `/api/kpi/cases?${kpiRange}&municipalityId=firenze` }),
  },
  'GET /api/kpi/staffing': {
    access: readKpis,
    scope: 'path',
    own: () => ({ url: '/api/kpi/staffing?municipalityId=milano' }),
    other: () => ({ url: '/api/kpi/staffing?municipalityId=firenze' }),
  },
  'GET /api/kpi/calls': {
    access: readKpis,
    scope: 'path',
    own: () => ({ url: `/api/kpi/calls?${kpiRange}&municipalityId=milano` }),
    other: () => ({ url: `/api/kpi/calls?${kpiRange}&municipalityId=firenze` }),
  },
  'GET /api/kpi/report': {
    access: readKpis,
    scope: 'path',
    own: () => ({ url: '/api/kpi/report?month=2026-01&municipalityId=milano&format=csv' }),
    other: () => ({ url: '/api/kpi/report?month=2026-01&municipalityId=firenze' }),
  },
  // The SMS gateway's webhook, authenticated by the shared secret, not a session: without it a 401.
  'POST /api/notifications/sms/reports': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/api/notifications/sms/reports', body: { id: 'x', status: 'delivered' } }),
  },
  'GET /api/letters': { access: officeWork, scope: 'list', ...list('/api/letters?range=[0,999]') },
  'GET /api/letters/:id/pdf': {
    access: officeWork,
    scope: 'path',
    own: (f) => ({ url: `/api/letters/${f.milanLetter}/pdf` }),
    other: (f) => ({ url: `/api/letters/${f.florenceLetter}/pdf` }),
  },
  'POST /api/letters/:id/posted': {
    access: officeWork,
    scope: 'path',
    own: (f) => ({ url: `/api/letters/${f.milanLetter}/posted`, body: {} }),
    other: (f) => ({ url: `/api/letters/${f.florenceLetter}/posted`, body: {} }),
  },
  // Open311 (GeoReport v2 and FixMyStreet's update extension): public to the access layer, a POST
  // authorised by its api_key parameter (test/integration/open311*.test.ts check the keys and scopes).
  'GET /open311/discovery.:format': { access: 'public', scope: 'none', own: () => ({ url: '/open311/discovery.json' }) },
  'GET /open311/v2/services.:format': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/open311/v2/services.json?jurisdiction_id=milano' }),
  },
  'GET /open311/v2/services/:service_code.:format': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/open311/v2/services/pothole-report.json?jurisdiction_id=milano' }),
  },
  'POST /open311/v2/requests.:format': {
    access: 'public',
    scope: 'none',
    own: (f) => ({
      url: `/open311/v2/requests.json?api_key=${f.open311Key}&jurisdiction_id=milano`,
      body: { service_code: 'general-information', address_string: 'Piazza della Scala 2', attribute: { topic: 'orari' } },
    }),
  },
  'GET /open311/v2/requests.:format': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/open311/v2/requests.json?jurisdiction_id=milano' }),
  },
  'GET /open311/v2/requests/:service_request_id.:format': {
    access: 'public',
    scope: 'none',
    own: (f) => ({ url: `/open311/v2/requests/${f.milanCase}.json?jurisdiction_id=milano` }),
  },
  'GET /open311/v2/servicerequestupdates.:format': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/open311/v2/servicerequestupdates.json?jurisdiction_id=milano' }),
  },
  'POST /open311/v2/servicerequestupdates.:format': {
    access: 'public',
    scope: 'none',
    own: (f) => ({
      url: '/open311/v2/servicerequestupdates.json',
      body: { api_key: f.open311Key, jurisdiction_id: 'milano', service_request_id: f.milanCase, description: 'Aggiungo un dettaglio' },
    }),
  },
  'GET /open311/v2/media/:id': {
    access: 'public',
    scope: 'none',
    own: () => ({ url: '/open311/v2/media/00000000-0000-0000-0000-000000000000' }),
  },
};

/** A row of Florence's in a Milan caller's answer. */
function leaksFlorence(item: Record<string, unknown>): boolean {
  return (
    item.municipalityId === 'firenze' ||
    item.id === 'firenze' ||
    item.serviceCode === 'nursery-enrolment' ||
    (Array.isArray(item.municipalities) && item.municipalities.includes('firenze'))
  );
}

/** Two records of a municipality with one name and different e-mails: a likely duplicate. */
async function namesakes(municipalityId: string, name: string): Promise<[string, string]> {
  const ids: [string, string] = [randomUUID(), randomUUID()];
  for (const [i, id] of ids.entries()) {
    const email = `${municipalityId}.${i}.${id.slice(0, 8)}@example.org`;
    await insertCitizen(t.db, { id, municipalityId, name, nameKey: name.toLowerCase(), phones: [], emails: [email], fiscalCode: null });
  }
  return ids;
}

/** A legal hold on a case, placed directly. */
async function hold(caseId: string, municipalityId: string): Promise<string> {
  const id = randomUUID();
  await insertLegalHold(t.db, {
    id,
    municipality_id: municipalityId,
    target_type: 'case',
    target_id: caseId,
    reason: 'Ricorso',
    created_by: 'matrix',
  });
  return id;
}

/** A merge of two namesakes of a municipality, made by one of its supervisors. */
async function merged(municipalityId: string): Promise<string> {
  const [targetId, sourceId] = await namesakes(municipalityId, 'Bruno Gialli');
  const supervisor: Principal = {
    kind: 'staff',
    id: 'matrix-supervisor',
    role: 'supervisor',
    municipalities: [municipalityId],
    officeId: null,
  };
  return (await mergeCitizenRecords(t.db, supervisor, { targetId, sourceId }, 'matrix')).id;
}

/** A message that failed for good, of a municipality (no case: the line's text to a caller). */
async function failedMessage(municipalityId: string): Promise<number> {
  const id = (await enqueueMessage(t.db, {
    caseId: null,
    municipalityId,
    dedupKey: `access-matrix:${municipalityId}`,
    channel: 'sms',
    recipient: '+393401112233',
    body: 'La richiameremo',
  }))!;
  await recordFailed(t.db, id, 'refused');
  return id;
}

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let fixtures: Fixtures;
const clients = new Map<StaffRole, StaffClient>();
beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  await app.ready();
  for (const role of staffRoles) {
    clients.set(
      role,
      await staffClient(app, t.db, { role, municipalities: ['milano'], officeId: role === 'backoffice' ? 'mi-anagrafe' : null }),
    );
  }
  const both = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano', 'firenze'] });
  const open = async (body: unknown) => {
    const id = (await both.inject({ method: 'POST', url: '/api/cases', payload: body as object })).json().id as string;
    await both.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: {} });
    return id;
  };
  for (const line of ['milano', 'firenze']) {
    await recordCallEvent(t.db, {
      callId: `call-${line}`,
      seq: 1,
      at: '2026-11-20T09:15:00+01:00',
      type: 'initiated',
      direction: 'inbound',
      caller: '+393401112233',
      called: '020202',
      line,
      linkedCallId: null,
    });
  }
  const milanCase = await open(pothole('milano'));
  const florenceCase = await open({ ...pothole('firenze'), citizen: { phone: '+393409998877' } });
  // A letter in each municipality's print queue, queued as the dispatcher does.
  const letter = async (caseId: string, municipalityId: string) => {
    const dedupKey = `matrix:${caseId}:letter`;
    await enqueueMessage(t.db, {
      caseId,
      municipalityId,
      dedupKey,
      channel: 'letter',
      recipient: 'Via Roma 1\n00100 Roma RM',
      body: 'Lettera',
    });
    const claimed = (await claimDue(t.db, 50, 60)).find((m) => m.dedupKey === dedupKey)!;
    const sent = await createLetterAdapter(t.db).send(claimed);
    await markSent(t.db, claimed.id, sent);
    return sent.providerMessageId;
  };
  const file = (caseId: string, municipalityId: string) =>
    storeAttachment(t.db, {
      caseId,
      municipalityId,
      source: 'email',
      fileName: 'foto.png',
      contentType: 'image/png',
      content: Buffer.from('png'),
    }).then((a) => a.id);
  for (const [caseId, municipalityId] of [
    [milanCase, 'milano'],
    [florenceCase, 'firenze'],
  ] as const) {
    const activity = 'recordCaseEvent';
    await recordStuckWrite(t.db, { caseId, municipalityId, workflowId: caseId, activity, errorCode: '23514', errorType: 'PoisonData' });
  }
  await sealAll(t.db, auditKeys({ DATA_DIR: api.dataDir }));
  const sealedAudit = async (chain: string) =>
    (
      await t.db
        .selectFrom('audit_log')
        .select('id')
        .where('chain', '=', chain)
        .where('batch', 'is not', null)
        .limit(1)
        .executeTakeFirstOrThrow()
    ).id;
  fixtures = {
    milanCase,
    florenceCase,
    milanKey: (await testApiKey(t.db, 'operator', ['milano'])).id,
    florenceKey: (await testApiKey(t.db, 'operator', ['firenze'])).id,
    milanLetter: await letter(milanCase, 'milano'),
    florenceLetter: await letter(florenceCase, 'firenze'),
    open311Key: (await testApiKey(t.db, 'operator', ['milano'])).key,
    milanMessage: await failedMessage('milano'),
    florenceMessage: await failedMessage('firenze'),
    milanAttachment: await file(milanCase, 'milano'),
    florenceAttachment: await file(florenceCase, 'firenze'),
    milanAudit: await sealedAudit('milano'),
    florenceAudit: await sealedAudit('firenze'),
    milanPair: await namesakes('milano', 'Anna Neri'),
    florencePair: await namesakes('firenze', 'Anna Neri'),
    milanMerge: await merged('milano'),
    florenceMerge: await merged('firenze'),
    milanPerson: (await namesakes('milano', 'Carla Blu'))[0],
    florencePerson: (await namesakes('firenze', 'Carla Blu'))[0],
    milanHold: await hold(milanCase, 'milano'),
    florenceHold: await hold(florenceCase, 'firenze'),
  };
});
afterAll(() => api?.stop());

const inject = (client: StaffClient | null, method: string, call: Call) => {
  const opts = { method: method as 'GET', url: call.url, ...(call.body === undefined ? {} : { payload: call.body as object }) };
  return client ? client.inject(opts) : app.inject(opts);
};

describe('access matrix', () => {
  it('has an expectation for every route the API declares, with the roles it declares', () => {
    const declared = Object.fromEntries(app.routeAccess.map((r) => [`${r.method} ${r.url}`, r.access]));
    expect(Object.keys(declared).sort()).toEqual(Object.keys(expectations).sort());
    for (const [route, e] of Object.entries(expectations)) expect(declared[route], route).toEqual(e.access);
  });

  for (const [route, e] of Object.entries(expectations)) {
    const method = route.split(' ')[0]!;
    it(`${route}: anonymous, each role, own and other municipality`, async () => {
      const own = e.own(fixtures);
      const anonymous = await inject(null, method, own);
      if (e.access === 'public') {
        expect(anonymous.statusCode, anonymous.body).toBeLessThan(500);
        expect(anonymous.statusCode).not.toBe(403);
        return;
      }
      expect(anonymous.statusCode, `${route} anonymous`).toBe(401);
      for (const role of staffRoles) {
        const client = clients.get(role)!;
        const res = await inject(client, method, own);
        if (!e.access.includes(role)) {
          expect(res.statusCode, `${route} as ${role}: ${res.body}`).toBe(403);
          continue;
        }
        expect(res.statusCode, `${route} as ${role} (own): ${res.body}`).toBeLessThan(500);
        expect([401, 403, 404], `${route} as ${role} (own): ${res.body}`).not.toContain(res.statusCode);
        if (e.scope === 'list') {
          const body = res.json() as Record<string, unknown>[];
          expect(body.filter(leaksFlorence), `${route} as ${role}`).toEqual([]);
        }
        if (e.other) {
          const other = await inject(client, method, e.other(fixtures));
          expect(other.statusCode, `${route} as ${role} (other): ${other.body}`).toBe(e.scope === 'body' ? 403 : 404);
        }
      }
    });
  }
});
