import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callsAfter, driveLive, playLiveCalls } from '../../scripts/traffic/live.ts';
import { milanProfile } from '../../scripts/traffic/model.ts';
import { abandonedCallbackWorkflowType } from '../../workflows/abandoned-callback.definitions.ts';
import { abandonedCallbackWorkflowId } from '../../services/callback-workflow-id.ts';
import { startTestApi, type TestApi, testApiKey } from '../helpers/app.ts';
import { testWorkflowIdKey } from '../helpers/temporal.ts';

/**
 * The simulator's live mode against a listening API with its workers: each written contact is a
 * case opened through POST /api/cases, each call a PBX's events on the line's CTI webhook.
 */
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
    const ids = await driveLive({
      baseUrl,
      apiKey: key,
      contacts: 3,
      speedup: 1e6,
      profile: milanProfile(),
      seed: 7,
      log: (l) => lines.push(l),
    });
    expect(ids).toHaveLength(3);
    expect(lines).toHaveLength(3);
    const cases = await api.t.db
      .selectFrom('cases')
      .select(['id', 'subject', 'service_code', 'municipality_id'])
      .where('id', 'in', ids)
      .execute();
    expect(cases.map((c) => c.subject).sort()).toEqual(['Richiesta simulata 1', 'Richiesta simulata 2', 'Richiesta simulata 3']);
    expect(new Set(cases.map((c) => `${c.municipality_id}/${c.service_code}`))).toEqual(new Set(['milano/general-information']));
  });

  it('stops at the first refusal, saying why', async () => {
    await expect(
      driveLive({ baseUrl, apiKey: 'not-a-key', contacts: 1, speedup: 1e6, profile: milanProfile(), seed: 7, log: () => {} }),
    ).rejects.toThrow(/POST \/api\/cases answered 401/);
  });

  it("plays the model's calls on the CTI webhook, overlapping: cases for the answered, callbacks for the abandoned, the call KPIs counting what it played", async () => {
    const { db } = api.t;
    // The server times the waits at its clock, here 300 times shorter than the model's: without a minimum wait every abandon in the queue earns its callback.
    await db
      .updateTable('lines')
      .set({ config: sql`jsonb_set(config, '{callback,minWaitSeconds}', '0')` })
      .where('id', '=', 'mi-020202')
      .execute();
    const from = new Date();
    const lines: string[] = [];
    const played = await playLiveCalls({
      baseUrl,
      line: { id: 'mi-020202', token: 'demo-cti-token-020202', number: '020202' },
      agent: 'giulia.operatrice',
      calls: 6,
      speedup: 300,
      // Tuesday 1 December 2026, 10:00 in Milan: the model's calls from then on, the same at every run.
      profile: milanProfile(),
      seed: 11,
      start: Date.parse('2026-12-01T09:00:00Z'),
      log: (l) => lines.push(l),
    });
    // Played compressed: in a small fraction of the model's own span (300× faster, with room for a loaded machine).
    const modelSpan =
      Math.max(...callsAfter(milanProfile(), 11, Date.parse('2026-12-01T09:00:00Z'), 6).map((c) => new Date(c.ended_at!).getTime())) -
      Date.parse('2026-12-01T09:00:00Z');
    expect(Date.now() - from.getTime()).toBeLessThan(modelSpan / 30);
    expect(played.map((c) => c.endCause)).toEqual(['abandoned', 'no-answer', 'transferred', 'transferred', 'normal', 'abandoned']);
    expect(lines).toHaveLength(6);

    const calls = await db
      .selectFrom('calls')
      .select(['id', 'state', 'end_cause', 'agent', 'caller', 'queue', 'connected_at', 'started_at', 'ended_at'])
      .where(
        'id',
        'in',
        played.map((c) => c.callId),
      )
      .execute();
    expect(new Map(calls.map((c) => [c.id, [c.state, c.end_cause]]))).toEqual(
      new Map(played.map((c) => [c.callId, ['ended', c.endCause]])),
    );
    // They overlapped, as the model's calls do: one started while another was still under way.
    expect(calls.some((a) => calls.some((b) => b.started_at > a.started_at && b.started_at < a.ended_at!))).toBe(true);
    const answered = calls.filter((c) => c.connected_at);
    expect(answered.map((c) => c.agent)).toEqual(['giulia.operatrice', 'giulia.operatrice', 'giulia.operatrice']);

    // Each answered call opened its case through the ingestion, opened by the operator who answered, the call attached.
    await vi.waitFor(
      async () => {
        const attached = await db
          .selectFrom('case_events')
          .select(['case_id', 'data'])
          .where('type', '=', 'call.attached')
          .where(
            sql<string>`data->>'callId'`,
            'in',
            answered.map((c) => c.id),
          )
          .execute();
        expect(attached).toHaveLength(3);
      },
      { timeout: 15_000, interval: 200 },
    );
    const opened = await db
      .selectFrom('case_events')
      .select(['actor'])
      .where('type', '=', 'case.opened')
      .where(
        'case_id',
        'in',
        db
          .selectFrom('case_events')
          .select('case_id')
          .where('type', '=', 'call.attached')
          .where(
            sql<string>`data->>'callId'`,
            'in',
            answered.map((c) => c.id),
          ),
      )
      .execute();
    expect(opened.map((e) => e.actor)).toEqual(['giulia.operatrice', 'giulia.operatrice', 'giulia.operatrice']);

    // Each caller who hung up in the queue has today's callback workflow.
    const abandoned = await db
      .selectFrom('call_events')
      .select(['call_id', 'at'])
      .where('type', '=', 'abandoned')
      .where(
        'call_id',
        'in',
        played.filter((c) => c.endCause === 'abandoned').map((c) => c.callId),
      )
      .execute();
    expect(abandoned).toHaveLength(2);
    for (const a of abandoned) {
      const caller = calls.find((c) => c.id === a.call_id)!.caller;
      const { type } = await api.w.client.workflow
        .getHandle(abandonedCallbackWorkflowId(testWorkflowIdKey, 'mi-020202', caller, new Date(a.at).getTime()))
        .describe();
      expect(type).toBe(abandonedCallbackWorkflowType);
    }

    const { key } = await testApiKey(db, 'supervisor', ['milano']);
    const range = new URLSearchParams({ from: from.toISOString(), to: new Date().toISOString() });
    const res = await fetch(`${baseUrl}/api/kpi/calls?${range}`, { headers: { authorization: `Bearer ${key}` } });
    const { totals } = (await res.json()) as { totals: Record<string, number> };
    const count = (...causes: string[]) => played.filter((c) => causes.includes(c.endCause)).length;
    expect({
      offered: totals.callsOffered,
      answered: totals.callsAnswered,
      abandoned: totals.callsAbandoned! + totals.shortAbandoned!,
      transferred: totals.callsTransferred,
    }).toEqual({ offered: 6, answered: count('normal', 'transferred'), abandoned: count('abandoned'), transferred: count('transferred') });
  });
});
