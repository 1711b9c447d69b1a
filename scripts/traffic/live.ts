import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { CallsTable } from '../../db/database.ts';
import { localDayOf } from '../../domain/calendar.ts';
import type { CaseIntake } from '../../domain/case.ts';
import { withApiKey } from '../api-session.ts';
import { generateTraffic, seededRandom, type TrafficProfile } from './model.ts';

/**
 * Live mode: contacts through the real API of a running platform (POST /api/cases with an API
 * key), spaced as the profile's arrivals at this hour would come, `speedup` times faster. Each one
 * starts its case's workflow like any other intake; the subject says it is a simulation.
 */
export async function driveLive(o: {
  baseUrl: string;
  apiKey: string;
  contacts: number;
  speedup: number;
  profile: TrafficProfile;
  seed: number;
  log: (line: string) => void;
}) {
  const rnd = seededRandom(o.seed);
  const p = o.profile;
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hourCycle: 'h23', hour: 'numeric' }).format(new Date()));
  // Contacts per second now: the year's contacts spread by the hourly profile (weekday and season aside).
  const hourlyShare = p.hourly[hour]! / p.hourly.reduce((s, w) => s + w, 0);
  const perSecond = (((p.callsPerYear * p.casesPerAnsweredCall) / 365) * hourlyShare) / 3600;
  const channels = ['phone', 'web', 'email'] as const;
  const api = withApiKey(o.baseUrl, o.apiKey);
  const created: string[] = [];
  for (let i = 0; i < o.contacts; i++) {
    const gap = -Math.log(1 - rnd()) / perSecond / o.speedup;
    await new Promise((resolve) => setTimeout(resolve, gap * 1000));
    const intake: CaseIntake = {
      municipalityId: p.municipalityId,
      serviceCode: 'general-information',
      channel: channels[Math.floor(rnd() * channels.length)]!,
      subject: `Richiesta simulata ${i + 1}`,
      description: 'Contatto generato dal simulatore di traffico (modalità live).',
      citizen: {},
      details: { topic: ['orari', 'sedi', 'tributi', 'anagrafe'][Math.floor(rnd() * 4)]! },
    };
    const res = await api('/api/cases', { method: 'POST', headers: { 'idempotency-key': randomUUID() }, body: JSON.stringify(intake) });
    const body = (await res.json()) as { id?: string; detail?: string };
    if (!res.ok) throw new Error(`POST /api/cases answered ${res.status}: ${body.detail ?? JSON.stringify(body)}`);
    created.push(body.id!);
    o.log(`${new Date().toISOString()} case ${body.id} (${intake.channel}) after ${gap.toFixed(1)} s`);
  }
  return created;
}

/** The CTI line calls are played on: its id, webhook token and one of its numbers (the callers dial it). */
export interface CtiLine {
  id: string;
  token: string;
  number: string;
}

/** A call as played: the id it had on the CTI webhook and the end its hangup gave it. */
export interface PlayedCall {
  callId: string;
  endCause: 'normal' | 'transferred' | 'abandoned' | 'no-answer';
}

/** The model's first `n` calls starting at or after `start`, in order of arrival. */
export function callsAfter(profile: TrafficProfile, seed: number, start: number, n: number): Insertable<CallsTable>[] {
  const calls: Insertable<CallsTable>[] = [];
  // A year ahead is plenty for any scale; the generator goes hour by hour, so only the hours needed are drawn.
  const days = { ...profile, from: localDayOf(start), to: localDayOf(start + 366 * 86_400_000) };
  for (const batch of generateTraffic(days, seed, { cases: false })) {
    const startOf = (c: Insertable<CallsTable>) => new Date(c.started_at!).getTime();
    // A transfer's leg is the PBX's own business: the CTI webhook sees the first call end as forwarded.
    calls.push(...batch.calls.filter((c) => !c.linked_call_id && startOf(c) >= start).sort((a, b) => startOf(a) - startOf(b)));
    if (calls.length >= n) break;
  }
  return calls.slice(0, n);
}

/**
 * Live mode's calls: the model's next `calls` calls from `start` (default now) played on a line's
 * CTI webhook (POST /api/cti/:lineId, Zammad's generic CTI) as a PBX would post them, at their
 * instants compressed `speedup` times and overlapping as they do: `newCall` into the model's queue,
 * then `answer` by `agent` after the wait and `hangup` after the talk (`forwarded` for a transfer),
 * or `hangup` `cancel` when the caller's patience runs out first (`noAnswer` for a call that never
 * reached the queue). The platform records each event at its own clock and ingests it as any
 * PBX's: an answered call opens its case, an abandon in the queue may earn a callback.
 */
export async function playLiveCalls(o: {
  baseUrl: string;
  line: CtiLine;
  agent: string;
  calls: number;
  speedup: number;
  profile: TrafficProfile;
  seed: number;
  start?: number;
  log: (line: string) => void;
}): Promise<PlayedCall[]> {
  const start = o.start ?? Date.now();
  const run = Date.now().toString(36); // call ids unique across runs of the same seed and day
  const t0 = Date.now();
  const until = (at: Date | string | null | undefined) =>
    new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 + (new Date(at!).getTime() - start) / o.speedup - Date.now())));
  const post = async (event: Record<string, string>) => {
    const res = await fetch(`${o.baseUrl}/api/cti/${encodeURIComponent(o.line.id)}?token=${encodeURIComponent(o.line.token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    if (!res.ok) throw new Error(`CTI ${event.event} of ${event.callId} answered ${res.status}: ${await res.text()}`);
  };
  const play = async (call: Insertable<CallsTable>): Promise<PlayedCall> => {
    const callId = `${call.id}.${run}`;
    const endCause = call.end_cause as PlayedCall['endCause'];
    await until(call.started_at);
    await post({
      event: 'newCall',
      direction: 'in',
      from: call.caller,
      to: o.line.number,
      callId,
      ...(call.queue ? { queue: call.queue } : {}),
    });
    if (call.connected_at) {
      await until(call.connected_at);
      await post({ event: 'answer', callId, user: o.agent });
    }
    await until(call.ended_at);
    const cause = { normal: 'normalClearing', transferred: 'forwarded', abandoned: 'cancel', 'no-answer': 'noAnswer' }[endCause];
    await post({ event: 'hangup', callId, cause });
    o.log(`${new Date().toISOString()} call ${callId} ${endCause}`);
    return { callId, endCause };
  };
  return Promise.all(callsAfter(o.profile, o.seed, start, o.calls).map(play));
}
