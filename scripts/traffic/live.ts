import { randomUUID } from 'node:crypto';
import type { CaseIntake } from '../../domain/case.ts';
import { seededRandom, type TrafficProfile } from './model.ts';

/**
 * Live mode: contacts through the real API of a running platform (POST /api/cases with an API
 * key), spaced as the profile's arrivals at this hour would come, `speedup` times faster. Each one
 * starts its case's workflow like any other intake; the subject says it is a simulation.
 */
export async function driveLive(o: { baseUrl: string; apiKey: string; contacts: number; speedup: number; profile: TrafficProfile; seed: number; log: (line: string) => void }) {
  const rnd = seededRandom(o.seed);
  const p = o.profile;
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hourCycle: 'h23', hour: 'numeric' }).format(new Date()));
  // Contacts per second now: the year's contacts spread by the hourly profile (weekday and season aside).
  const hourlyShare = p.hourly[hour]! / p.hourly.reduce((s, w) => s + w, 0);
  const perSecond = ((p.callsPerYear * p.casesPerAnsweredCall) / 365) * hourlyShare / 3600;
  const channels = ['phone', 'web', 'email'] as const;
  const created: string[] = [];
  for (let i = 0; i < o.contacts; i++) {
    const gap = (-Math.log(1 - rnd()) / perSecond) / o.speedup;
    await new Promise((resolve) => setTimeout(resolve, gap * 1000));
    const intake: CaseIntake = {
      municipalityId: p.municipalityId, serviceCode: 'general-information', channel: channels[Math.floor(rnd() * channels.length)]!,
      subject: `Richiesta simulata ${i + 1}`, description: 'Contatto generato dal simulatore di traffico (modalità live).',
      citizen: {}, details: { topic: ['orari', 'sedi', 'tributi', 'anagrafe'][Math.floor(rnd() * 4)]! },
    };
    const res = await fetch(`${o.baseUrl}/api/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(intake),
    });
    const body = await res.json() as { id?: string; detail?: string };
    if (!res.ok) throw new Error(`POST /api/cases answered ${res.status}: ${body.detail ?? JSON.stringify(body)}`);
    created.push(body.id!);
    o.log(`${new Date().toISOString()} case ${body.id} (${intake.channel}) after ${gap.toFixed(1)} s`);
  }
  return created;
}
