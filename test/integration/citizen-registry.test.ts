import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCallEvent } from '../../db/calls.repository.ts';
import { caseRecipient } from '../../db/recipients.repository.ts';
import { messageCitizen } from '../../services/messages/outbox.ts';
import { expectProblem, staffClient, type StaffClient, startTestApi, type TestApi } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
let api: TestApi;
let app: FastifyInstance;
let operator: StaffClient; // Milan
let florence: StaffClient; // an operator of Florence only
let supervisor: StaffClient; // Milan

const intake = (citizen: object, municipalityId = 'milano') => ({
  municipalityId,
  serviceCode: 'general-information',
  channel: 'phone',
  subject: 'Orari degli uffici anagrafe',
  citizen,
  details: { topic: 'anagrafe' },
});

async function open(client: StaffClient, body: object): Promise<{ id: string; citizenId: string | null }> {
  const res = await client.inject({ method: 'POST', url: '/api/cases', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const lookup = (client: StaffClient, query: string) => client.inject({ url: `/api/citizens/lookup?${query}` });
const recordsWith = async (phone: string) =>
  t.db
    .selectFrom('citizens')
    .select(['id', 'municipality_id'])
    .where(sql<boolean>`${phone} = any(phones)`)
    .orderBy('municipality_id')
    .execute();
const auditOf = (citizenId: string) =>
  t.db.selectFrom('audit_log').select(['action', 'actor', 'municipality_id']).where('target_id', '=', citizenId).orderBy('id').execute();

beforeAll(async () => {
  api = await startTestApi();
  ({ t, app } = api);
  operator = await staffClient(app, t.db, { role: 'operator', municipalities: ['milano'] });
  florence = await staffClient(app, t.db, { role: 'operator', municipalities: ['firenze'] });
  supervisor = await staffClient(app, t.db, { role: 'supervisor', municipalities: ['milano'] });
}, 120_000);
afterAll(() => api?.stop());

describe('one citizen, one record', () => {
  let maria: string;

  it('finds Maria Bianchi, on file as +393331234567, from "333 123 4567" and every other way of typing it', async () => {
    const first = await open(operator, intake({ name: 'Maria Bianchi', phone: '+393331234567' }));
    expect(first.citizenId).toEqual(expect.any(String));
    maria = first.citizenId!;
    for (const typed of ['333 123 4567', '3331234567', '+39 333 123 4567', '0039 333-123.4567', '(333) 123 4567']) {
      const res = await lookup(operator, `phone=${encodeURIComponent(typed)}`);
      expect(res.statusCode, `${typed}: ${res.body}`).toBe(200);
      expect(res.json().citizen).toMatchObject({ id: maria, name: 'Maria Bianchi', phones: ['+393331234567'] });
      expect(res.json().cases.map((c: { id: string }) => c.id)).toEqual([first.id]);
    }
  });

  it('links a case opened with the number typed otherwise to the same record, which gains the new e-mail', async () => {
    const second = await open(operator, intake({ phone: '333 123 4567', email: 'Maria.Bianchi@Example.org' }));
    expect(second.citizenId).toBe(maria);
    expect(await recordsWith('+393331234567')).toEqual([{ id: maria, municipality_id: 'milano' }]);
    const byEmail = (await lookup(operator, 'email=maria.bianchi@example.org')).json();
    expect(byEmail.citizen).toMatchObject({ id: maria, name: 'Maria Bianchi', emails: ['maria.bianchi@example.org'] });
    expect(byEmail.cases).toHaveLength(2);
    expect((await auditOf(maria)).map((a) => a.action)).toEqual(['citizen.created', 'citizen.updated']);
  });

  it("keeps each municipality's citizens to its own staff", async () => {
    expectProblem(await lookup(florence, `phone=${encodeURIComponent('333 123 4567')}`), 404);
    const inFlorence = await open(florence, intake({ phone: '333.123.4567' }, 'firenze'));
    expect(inFlorence.citizenId).not.toBe(maria);
    expect((await recordsWith('+393331234567')).map((r) => r.municipality_id)).toEqual(['firenze', 'milano']);
    const seen = (await lookup(florence, 'phone=3331234567')).json();
    expect(seen.citizen.records).toEqual([{ id: inFlorence.citizenId, municipalityId: 'firenze' }]);
    expect(seen.cases.map((c: { id: string }) => c.id)).toEqual([inFlorence.id]);
    // Milan's supervisor can neither list nor merge Florence's record.
    const pairs = (await supervisor.inject({ url: '/api/citizens/duplicates' })).json() as { citizens: { id: string }[] }[];
    expect(pairs.flatMap((p) => p.citizens.map((c) => c.id))).not.toContain(inFlorence.citizenId);
    expectProblem(
      await supervisor.inject({
        method: 'POST',
        url: '/api/citizens/merges',
        payload: { targetId: maria, sourceId: inFlorence.citizenId },
      }),
      404,
    );
  });

  it('links the calls of a number no record had, once a case gives it one', async () => {
    const at = '2026-11-30T09:00:00+01:00';
    await t.db.transaction().execute(async (trx) => {
      await recordCallEvent(trx, {
        callId: 'reg-call-1',
        seq: 1,
        at,
        type: 'initiated',
        direction: 'inbound',
        caller: '3409876543',
        called: '020202',
        line: 'milano',
        linkedCallId: null,
      });
      await recordCallEvent(trx, { callId: 'reg-call-1', seq: 2, at, type: 'ended', cause: 'abandoned' });
    });
    const opened = await open(operator, intake({ phone: '+39 340 987 6543' }));
    const call = await t.db.selectFrom('calls').select('citizen_id').where('id', '=', 'reg-call-1').executeTakeFirstOrThrow();
    expect(call.citizen_id).toBe(opened.citizenId);
    // A later call from the number, in yet another form, is linked as it is recorded.
    await recordCallEvent(t.db, {
      callId: 'reg-call-2',
      seq: 1,
      at: '2026-11-30T10:00:00+01:00',
      type: 'initiated',
      direction: 'inbound',
      caller: '00393409876543',
      called: '020202',
      line: 'milano',
      linkedCallId: null,
    });
    const contacts = (await lookup(operator, 'phone=3409876543')).json().contacts as { type: string; callId: string | null }[];
    expect(contacts.filter((c) => c.type === 'call').map((c) => c.callId)).toEqual(['reg-call-1', 'reg-call-2']);
  });
});

describe('likely duplicates, merged by a supervisor', () => {
  it('proposes records with the same name, merges them (cases move, audited) and undoes the merge', async () => {
    const a = await open(operator, intake({ name: 'Luca Verdi', phone: '347 555 1212' }));
    const b = await open(operator, intake({ name: 'LUCA  VERDI', email: 'luca.verdi@example.org' }));
    expect(b.citizenId).not.toBe(a.citizenId);
    const pairs = (await supervisor.inject({ url: '/api/citizens/duplicates' })).json() as {
      reasons: string[];
      citizens: { id: string; cases: number }[];
    }[];
    const pair = pairs.find((p) => p.citizens.some((c) => c.id === a.citizenId));
    expect(pair?.reasons).toEqual(['name']);
    expect(pair?.citizens.map((c) => c.id).sort()).toEqual([a.citizenId, b.citizenId].sort());
    expect(pair?.citizens.map((c) => c.cases)).toEqual([1, 1]);

    expectProblem(
      await operator.inject({ method: 'POST', url: '/api/citizens/merges', payload: { targetId: a.citizenId, sourceId: b.citizenId } }),
      403,
    );
    expectProblem(
      await supervisor.inject({ method: 'POST', url: '/api/citizens/merges', payload: { targetId: a.citizenId, sourceId: a.citizenId } }),
      400,
      ['body.sourceId'],
    );
    const merged = await supervisor.inject({
      method: 'POST',
      url: '/api/citizens/merges',
      payload: { targetId: a.citizenId, sourceId: b.citizenId },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const merge = merged.json();
    expect(merge.moved).toEqual({ cases: [b.id], calls: [], phones: [], emails: ['luca.verdi@example.org'], fiscalCode: null, name: null });
    const byEmail = (await lookup(operator, 'email=luca.verdi@example.org')).json();
    expect(byEmail.citizen).toMatchObject({ id: a.citizenId, phones: ['+393475551212'], emails: ['luca.verdi@example.org'] });
    expect(byEmail.cases.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
    expect((await supervisor.inject({ url: `/api/cases/${b.id}` })).json().citizenId).toBe(a.citizenId);
    const after = (await supervisor.inject({ url: '/api/citizens/duplicates' })).json() as { citizens: { id: string }[] }[];
    expect(after.some((p) => p.citizens.some((c) => c.id === b.citizenId))).toBe(false);
    expectProblem(
      await supervisor.inject({ method: 'POST', url: '/api/citizens/merges', payload: { targetId: a.citizenId, sourceId: b.citizenId } }),
      409,
    );

    const undone = await supervisor.inject({ method: 'POST', url: `/api/citizens/merges/${merge.id}/undo` });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toMatchObject({ id: merge.id, undoneBy: expect.any(String), undoneAt: expect.any(String) });
    const again = (await lookup(operator, 'email=luca.verdi@example.org')).json();
    expect(again.citizen.id).toBe(b.citizenId);
    expect(again.cases.map((c: { id: string }) => c.id)).toEqual([b.id]);
    expect((await lookup(operator, 'phone=3475551212')).json().citizen).toMatchObject({ id: a.citizenId, emails: [] });
    expectProblem(await supervisor.inject({ method: 'POST', url: `/api/citizens/merges/${merge.id}/undo` }), 409);
    expectProblem(await florence.inject({ method: 'POST', url: `/api/citizens/merges/${merge.id}/undo` }), 403);

    const trail = await auditOf(a.citizenId!);
    expect(trail.map((r) => r.action)).toEqual(['citizen.created', 'citizen.merged', 'citizen.unmerged']);
    expect(trail.every((r) => r.municipality_id === 'milano')).toBe(true);
    const admin = await staffClient(app, t.db, { role: 'admin', municipalities: ['milano', 'firenze'] });
    expect((await admin.inject({ url: '/api/audit/verify' })).json()).toMatchObject({ ok: true });
  });

  it('refuses to merge two fiscal codes: they are two people who share a phone', async () => {
    const mother = await open(operator, intake({ phone: '02 4444 5555', fiscalCode: 'BNCMRA60A41F205K' }));
    const son = await open(operator, intake({ phone: '02-4444-5555', fiscalCode: 'bnclcu90a01f205t' }));
    expect(son.citizenId).not.toBe(mother.citizenId);
    const pairs = (await supervisor.inject({ url: '/api/citizens/duplicates' })).json() as { citizens: { id: string }[] }[];
    expect(pairs.some((p) => p.citizens.some((c) => c.id === son.citizenId))).toBe(false);
    expectProblem(
      await supervisor.inject({
        method: 'POST',
        url: '/api/citizens/merges',
        payload: { targetId: mother.citizenId, sourceId: son.citizenId },
      }),
      409,
      ['body.sourceId'],
    );
  });
});

describe("the citizen's postal address", () => {
  it('is kept on the record from the intake, shown by the look-up, and found for a later case that gave none (a letter goes there)', async () => {
    const first = await open(operator, intake({ name: 'Carla Neri', phone: '3471239876', address: 'Via Torino 5\n20123 Milano MI' }));
    const carla = first.citizenId!;
    const found = (await lookup(operator, 'phone=3471239876')).json();
    expect(found.citizen).toMatchObject({ id: carla, address: 'Via Torino 5\n20123 Milano MI' });

    // Her next call: the operator does not ask for the address again.
    const second = await open(operator, intake({ phone: '347 123 9876' }));
    expect(second.citizenId).toBe(carla);
    expect((await caseRecipient(t.db, second.id)).citizen).toEqual({ phone: '3471239876', address: 'Via Torino 5\n20123 Milano MI' });
    const notice = await messageCitizen(t.db, {
      caseId: second.id,
      dedupKey: `${second.id}:letter-test`,
      preferred: 'letter',
      message: { event: 'case.resolved', data: { outcome: 'resolved' } },
    });
    expect(notice).toEqual({ channel: 'letter', recipient: 'Via Torino 5\n20123 Milano MI' });

    // She moved: the newest address given replaces the record's, audited; the earlier case keeps its own.
    await open(operator, intake({ phone: '3471239876', address: 'Corso Como 1\n20154 Milano MI' }));
    expect((await lookup(operator, 'phone=3471239876')).json().citizen.address).toBe('Corso Como 1\n20154 Milano MI');
    expect((await caseRecipient(t.db, second.id)).citizen.address).toBe('Corso Como 1\n20154 Milano MI');
    expect((await caseRecipient(t.db, first.id)).citizen.address).toBe('Via Torino 5\n20123 Milano MI');
    expect((await auditOf(carla)).map((a) => a.action)).toEqual(['citizen.created', 'citizen.updated']);
  });

  it('a citizen who gave only a postal address is written to by letter', async () => {
    const only = await open(operator, intake({ name: 'Pietro Sala', address: 'Via Verdi 3\n20121 Milano MI' }));
    expect(only.citizenId).toBeNull();
    const notice = await messageCitizen(t.db, {
      caseId: only.id,
      dedupKey: `${only.id}:ack-test`,
      message: { event: 'citizen.reminded', data: {} },
    });
    expect(notice).toEqual({ channel: 'letter', recipient: 'Via Verdi 3\n20121 Milano MI' });
  });
});
