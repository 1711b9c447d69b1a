import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveLive } from '../../scripts/traffic/live.ts';
import { milanProfile } from '../../scripts/traffic/model.ts';
import { startTestApi, type TestApi, testApiKey } from '../helpers/app.ts';

/** The simulator's live mode against a listening API with its workers: each contact is a case opened through POST /api/cases. */
let api: TestApi;
let baseUrl: string;
beforeAll(async () => {
  api = await startTestApi();
  baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => api?.stop());

describe('the live traffic simulator', () => {
  it('opens cases through the API with an API key, spaced as arrivals (compressed here)', async () => {
    const { key } = await testApiKey(api.t.db, 'operator', ['milano']);
    const lines: string[] = [];
    const ids = await driveLive({ baseUrl, apiKey: key, contacts: 3, speedup: 1e6, profile: milanProfile(), seed: 7, log: (l) => lines.push(l) });
    expect(ids).toHaveLength(3);
    expect(lines).toHaveLength(3);
    const cases = await api.t.db.selectFrom('cases').select(['id', 'subject', 'service_code', 'municipality_id']).where('id', 'in', ids).execute();
    expect(cases.map((c) => c.subject).sort()).toEqual(['Richiesta simulata 1', 'Richiesta simulata 2', 'Richiesta simulata 3']);
    expect(new Set(cases.map((c) => `${c.municipality_id}/${c.service_code}`))).toEqual(new Set(['milano/general-information']));
  });

  it('stops at the first refusal, saying why', async () => {
    await expect(driveLive({ baseUrl, apiKey: 'not-a-key', contacts: 1, speedup: 1e6, profile: milanProfile(), seed: 7, log: () => {} }))
      .rejects.toThrow(/POST \/api\/cases answered 401/);
  });
});
