import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let milanOperator: StaffClient;
let florenceOperator: StaffClient;
let designer: StaffClient;
let milanSupervisor: StaffClient;
let backoffice: StaffClient;
beforeAll(async () => {
  api = await startTestApi({ workers: false });
  ({ t, app } = api);
  milanOperator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  florenceOperator = await staffClient(app, t.db, { role: 'operator', municipalities: ['firenze'] });
  designer = await staffClient(app, t.db, { role: 'designer', municipalities: ['milano', 'firenze'] });
  milanSupervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
  backoffice = await staffClient(app, t.db, { role: 'backoffice', municipalities: ['milano'], officeId: 'mi-tributi' });
});
afterAll(() => api?.stop());

const search = (who: StaffClient, query: Record<string, string>) =>
  who.inject({ url: `/api/knowledge/search?${new URLSearchParams(query)}` });
const hitIds = async (who: StaffClient, query: Record<string, string>) => {
  const res = await search(who, query);
  expect(res.statusCode).toBe(200);
  return (res.json() as { id: string }[]).map((h) => h.id);
};

const article = {
  municipalityId: 'milano',
  serviceCode: 'general-information',
  title: 'Musei civici: ingresso gratuito',
  audience: 'Residenti e visitatori.',
  place: 'Castello Sforzesco e musei civici.',
  hours: 'Prima domenica del mese.',
  procedure: 'Ritirare il biglietto gratuito alla biglietteria.',
  body: 'L’ingresso ai musei civici è gratuito la prima domenica del mese.',
  links: [{ label: 'Portale del Comune di Milano', url: 'https://www.comune.milano.it' }],
  validFrom: '2026-01-01',
};
const create = (who: StaffClient, body: object, headers: Record<string, string> = {}) =>
  who.inject({ method: 'POST', url: '/api/knowledge/articles', payload: body, headers });

describe('GET /api/knowledge/search', () => {
  it('finds articles through Italian stemming: plurals, inflections, accents and typographic apostrophes', async () => {
    expect((await hitIds(milanOperator, { q: 'rimborsi' }))[0]).toBe('mi-rimborso-tari');
    expect((await hitIds(milanOperator, { q: 'residenza' }))[0]).toBe('mi-cambio-residenza');
    expect((await hitIds(florenceOperator, { q: 'asili nido' }))[0]).toBe('fi-asilo-nido');
    // With or without the accent, with a plain or a typographic apostrophe.
    for (const q of ['identità', 'identita', "carta d'identità", 'carta d’identita']) {
      expect((await hitIds(milanOperator, { q }))[0]).toBe('mi-carta-identita');
    }
    expect(await hitIds(milanOperator, { q: 'ornitorinco' })).toEqual([]);
  });

  it('ranks a match in the title above matches elsewhere, and highlights the matching words', async () => {
    const res = await search(milanOperator, { q: 'residenza' });
    const hits = res.json() as {
      id: string;
      title: string;
      snippet: string;
      rank: number;
      municipalityId: string;
      serviceCode: string | null;
      version: number;
    }[];
    expect(hits[0]).toMatchObject({
      id: 'mi-cambio-residenza',
      title: 'Cambio di residenza o di indirizzo',
      municipalityId: 'milano',
      serviceCode: 'change-of-residence',
      version: 1,
    });
    expect(hits.length).toBeGreaterThan(1);
    const ranks = hits.map((h) => h.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank);
    expect(hits[0]!.snippet).toMatch(/<mark>residenza<\/mark>/);
    // Inflected forms are highlighted too ("residenti" shares the stem).
    expect(hits.slice(1).some((h) => /<mark>residenti<\/mark>/.test(h.snippet))).toBe(true);
  });

  it('escapes the article text in the snippet: its only tags are the highlights', async () => {
    const res = await create(designer, {
      ...article,
      title: 'Biblioteche: prestito',
      body: 'Il <script>alert(1)</script> prestito & la restituzione dei libri.',
    });
    expect(res.statusCode).toBe(201);
    const [hit] = (await search(milanOperator, { q: 'prestito' })).json();
    expect(hit.snippet).toContain('script&gt;');
    expect(hit.snippet).toContain('&amp;');
    expect(hit.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });

  it("answers only from the caller's municipalities, narrowed by municipality and service", async () => {
    expect(await hitIds(milanOperator, { q: 'rimborso' })).toEqual(['mi-rimborso-tari']);
    expect(await hitIds(florenceOperator, { q: 'rimborso' })).toEqual(['fi-rimborso-tari']);
    // Another municipality's filter answers nothing rather than revealing its articles.
    expect(await hitIds(milanOperator, { q: 'rimborso', municipalityId: 'firenze' })).toEqual([]);
    expect(await hitIds(designer, { q: 'rimborso', municipalityId: 'firenze' })).toEqual(['fi-rimborso-tari']);
    expect(await hitIds(designer, { q: 'residenza', serviceCode: 'change-of-residence' })).toEqual(
      expect.arrayContaining(['mi-cambio-residenza', 'fi-cambio-residenza']),
    );
    expect(await hitIds(designer, { q: 'residenza', serviceCode: 'tari-refund' })).toEqual([]);
  });

  it('leaves out articles expired, not yet valid or archived', async () => {
    // The seeded 2025/2026 nursery call expired on 31 December 2025: listed, but not an answer any more.
    expect(await hitIds(florenceOperator, { q: 'bando nidi' })).not.toContain('fi-asilo-nido-bando-2025');
    expect((await florenceOperator.inject({ url: '/api/knowledge/articles/fi-asilo-nido-bando-2025' })).json()).toMatchObject({
      validTo: '2025-12-31',
    });
    const future = await create(designer, { ...article, title: 'Zanzara tigre: disinfestazione', validFrom: '2099-01-01' });
    const past = await create(designer, {
      ...article,
      title: 'Zanzara tigre: campagna 2020',
      validFrom: '2020-01-01',
      validTo: '2020-12-31',
    });
    const current = await create(designer, {
      ...article,
      title: 'Zanzara tigre: consigli',
      validFrom: '2020-01-01',
      validTo: '2099-12-31',
    });
    expect([future, past, current].map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(await hitIds(milanOperator, { q: 'zanzara tigre' })).toEqual([current.json().id]);
    await designer.inject({ method: 'POST', url: `/api/knowledge/articles/${current.json().id}/archive` });
    expect(await hitIds(milanOperator, { q: 'zanzara tigre' })).toEqual([]);
  });

  it('answers a missing or too short question with 400 naming the parameter', async () => {
    expect(expectProblem(await search(milanOperator, {}), 400).errors).toEqual([expect.objectContaining({ path: 'querystring.q' })]);
    expect(expectProblem(await search(milanOperator, { q: 'a' }), 400).errors).toEqual([
      expect.objectContaining({ path: 'querystring.q' }),
    ]);
    expectProblem(await app.inject({ url: '/api/knowledge/search?q=rimborso' }), 401);
  });
});

describe('POST /api/knowledge/articles', () => {
  it('writes version 1 with its author, audited in the same transaction', async () => {
    const res = await create(milanSupervisor, { ...article, title: 'Musei civici: orari' });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      municipalityId: 'milano',
      serviceCode: 'general-information',
      version: 1,
      title: 'Musei civici: orari',
      links: article.links,
      validFrom: '2026-01-01',
      validTo: null,
      author: milanSupervisor.id,
      archivedAt: null,
    });
    expect(res.headers.location).toBe(`/api/knowledge/articles/${created.id}`);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'municipality_id'])
      .where('target_id', '=', created.id)
      .execute();
    expect(audit).toEqual([{ action: 'knowledge-article.created', actor: milanSupervisor.id, municipality_id: 'milano' }]);
  });

  it('answers a repeated Idempotency-Key with the same article, and another body with 409', async () => {
    const headers = { 'idempotency-key': 'kb-musei-1' };
    const body = { ...article, title: 'Musei civici: mostre' };
    const first = await create(designer, body, headers);
    const again = await create(designer, body, headers);
    expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
    expect(again.json().id).toBe(first.json().id);
    const other = await create(designer, { ...body, title: 'Musei civici: altro' }, headers);
    expect(expectProblem(other, 409).errors).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    const rows = await t.db.selectFrom('article_versions').select('article_id').where('title', 'like', 'Musei civici: %').execute();
    expect(rows.filter((r) => r.article_id === first.json().id)).toHaveLength(1);
  });

  it('lets only designers, supervisors and admins write, for the municipalities they serve', async () => {
    expectProblem(await create(milanOperator, article), 403);
    expectProblem(await create(backoffice, article), 403);
    const outside = await create(milanSupervisor, { ...article, municipalityId: 'firenze' });
    expect(expectProblem(outside, 403).errors).toEqual([expect.objectContaining({ path: 'body.municipalityId' })]);
  });

  it('names each invalid field', async () => {
    const unknownService = await create(designer, { ...article, serviceCode: 'nursery-enrolment' });
    expect(expectProblem(unknownService, 422).errors).toEqual([expect.objectContaining({ path: 'body.serviceCode' })]);
    const backwards = await create(designer, { ...article, validFrom: '2026-06-01', validTo: '2026-01-01' });
    expect(expectProblem(backwards, 400).errors).toEqual([expect.objectContaining({ path: 'body.validTo' })]);
    const bad = expectProblem(
      await create(designer, { ...article, title: '', links: [{ label: 'x', url: 'javascript:alert(1)' }], extra: 1 }),
      400,
    );
    expect(bad.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.title', 'body.links.0.url']));
  });
});

describe('revising an article', () => {
  it('writes the next version; older versions stay readable and never change', async () => {
    const id = (await create(designer, { ...article, title: 'Piscine comunali: tariffe' })).json().id as string;
    const put = await milanSupervisor.inject({
      method: 'PUT',
      url: `/api/knowledge/articles/${id}`,
      payload: { ...article, municipalityId: undefined, title: 'Piscine comunali: tariffe 2026', expectedVersion: 1 },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ id, version: 2, title: 'Piscine comunali: tariffe 2026', author: milanSupervisor.id });

    const detail = (await milanOperator.inject({ url: `/api/knowledge/articles/${id}` })).json();
    expect(detail.versions.map((v: { version: number; author: string }) => [v.version, v.author])).toEqual([
      [2, milanSupervisor.id],
      [1, designer.id],
    ]);
    const v1 = await milanOperator.inject({ url: `/api/knowledge/articles/${id}/versions/1` });
    expect(v1.json()).toMatchObject({ articleId: id, version: 1, title: 'Piscine comunali: tariffe' });
    expect((await search(milanOperator, { q: 'piscine' })).json()).toEqual([expect.objectContaining({ id, version: 2 })]);

    await expect(sql`update article_versions set title = 'x' where article_id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from article_versions where article_id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
    const audit = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['knowledge-article.created', 'knowledge-article.revised']);
  });

  it('refuses a revision made from a stale version (409) or without one (400)', async () => {
    const id = (await create(designer, { ...article, title: 'Teatri: abbonamenti' })).json().id as string;
    const revise = (expectedVersion?: number) =>
      designer.inject({
        method: 'PUT',
        url: `/api/knowledge/articles/${id}`,
        payload: { ...article, municipalityId: undefined, title: `Teatri: abbonamenti (${expectedVersion})`, expectedVersion },
      });
    expect((await revise(1)).statusCode).toBe(200);
    const stale = expectProblem(await revise(1), 409);
    expect(stale.errors).toEqual([{ path: 'body.expectedVersion', message: 'the article is at version 2' }]);
    expect(expectProblem(await revise(undefined), 400).errors).toEqual([expect.objectContaining({ path: 'body.expectedVersion' })]);
    expect((await designer.inject({ url: `/api/knowledge/articles/${id}` })).json().version).toBe(2);
  });
});

describe('reading and archiving', () => {
  it('lists articles in simple-rest shape, filtered and sorted', async () => {
    const res = await milanOperator.inject({
      url: `/api/knowledge/articles?${new URLSearchParams({ sort: '["title","ASC"]', range: '[0,4]', filter: '{"serviceCode":"general-information"}' })}`,
    });
    expect(res.statusCode).toBe(200);
    const rows = res.json() as { title: string; municipalityId: string; serviceCode: string }[];
    expect(rows.length).toBeGreaterThan(1);
    expect(res.headers['content-range']).toMatch(/^articles 0-\d+\/\d+$/);
    expect(rows.map((r) => r.title)).toEqual([...rows.map((r) => r.title)].sort((a, b) => a.localeCompare(b, 'it')));
    expect(rows.every((r) => r.municipalityId === 'milano' && r.serviceCode === 'general-information')).toBe(true);
    const text = await milanOperator.inject({ url: `/api/knowledge/articles?filter=${encodeURIComponent('{"q":"rimborsi"}')}` });
    expect(text.json().map((r: { id: string }) => r.id)).toEqual(['mi-rimborso-tari']);
    const bad = await milanOperator.inject({ url: `/api/knowledge/articles?filter=${encodeURIComponent('{"colour":"red"}')}` });
    expect(expectProblem(bad, 400).errors[0].path).toMatch(/^querystring\.filter/);
  });

  it("answers another municipality's article with 404, like an unknown one", async () => {
    for (const url of [
      '/api/knowledge/articles/mi-rimborso-tari',
      '/api/knowledge/articles/mi-rimborso-tari/versions/1',
      '/api/knowledge/articles/no-such-article',
    ]) {
      expectProblem(await florenceOperator.inject({ url }), 404);
    }
    expectProblem(await milanOperator.inject({ url: '/api/knowledge/articles/mi-rimborso-tari/versions/9' }), 404);
    const list = (await florenceOperator.inject({ url: '/api/knowledge/articles?range=[0,99]' })).json() as { municipalityId: string }[];
    expect(list.every((r) => r.municipalityId === 'firenze')).toBe(true);
    const outside = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['firenze'] });
    expectProblem(await outside.inject({ method: 'POST', url: '/api/knowledge/articles/mi-rimborso-tari/archive' }), 404);
  });

  it('archives an article: out of the default list and of search, versions kept, no more revisions', async () => {
    const id = (await create(designer, { ...article, title: 'Mercati rionali: orari' })).json().id as string;
    const archive = () => designer.inject({ method: 'POST', url: `/api/knowledge/articles/${id}/archive` });
    expectProblem(await milanOperator.inject({ method: 'POST', url: `/api/knowledge/articles/${id}/archive` }), 403);
    const res = await archive();
    expect(res.statusCode).toBe(200);
    expect(res.json().archivedAt).toEqual(expect.any(String));
    expectProblem(await archive(), 409);
    const revise = await designer.inject({
      method: 'PUT',
      url: `/api/knowledge/articles/${id}`,
      payload: { ...article, municipalityId: undefined, expectedVersion: 1 },
    });
    expectProblem(revise, 409);

    const listed = async (filter: object) =>
      (await designer.inject({ url: `/api/knowledge/articles?filter=${encodeURIComponent(JSON.stringify(filter))}` }))
        .json()
        .map((r: { id: string }) => r.id);
    expect(await listed({ id })).toEqual([]);
    expect(await listed({ id, includeArchived: true })).toEqual([id]);
    expect(await hitIds(designer, { q: 'mercati rionali' })).toEqual([]);
    expect((await designer.inject({ url: `/api/knowledge/articles/${id}/versions/1` })).statusCode).toBe(200);
    const audit = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['knowledge-article.created', 'knowledge-article.archived']);
  });
});

it('is described in the OpenAPI document', async () => {
  const doc = (await app.inject({ url: '/openapi.json' })).json();
  const ops = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) =>
    Object.values(p).map((o) => o.operationId),
  );
  expect(ops).toEqual(
    expect.arrayContaining([
      'searchKnowledge',
      'listArticles',
      'getArticle',
      'getArticleVersion',
      'createArticle',
      'reviseArticle',
      'archiveArticle',
    ]),
  );
  expect(Object.keys(doc.components.schemas)).toEqual(
    expect.arrayContaining(['Article', 'ArticleDetail', 'ArticleVersion', 'KnowledgeHit']),
  );
});
