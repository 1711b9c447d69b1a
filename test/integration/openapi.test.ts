import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/app.ts';

/**
 * The API's OpenAPI document, committed in test/snapshots/openapi.json so that any change to a
 * route, a schema or a response shows in review. After a deliberate change, rewrite it with
 * `npx vitest run test/integration/openapi.test.ts -u` and commit the diff.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ workers: false });
});
afterAll(() => api?.stop());

/** Named schemas sorted by name: the order they register in follows import order, which is no API change. */
function canonical(doc: { components?: { schemas?: Record<string, unknown> } }) {
  const schemas = doc.components?.schemas ?? {};
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((k) => [k, schemas[k]]),
  );
  return { ...doc, components: { ...doc.components, schemas: sorted } };
}

it('serves the committed OpenAPI document', async () => {
  const res = await api.app.inject({ url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  await expect(`${JSON.stringify(canonical(res.json()), null, 2)}\n`).toMatchFileSnapshot('../snapshots/openapi.json');
});
