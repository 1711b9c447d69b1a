import { isoDate, localDateOf } from '../domain/calendar.ts';
import type { Db } from '../db/connection.ts';
import { generateTraffic, milanProfile, scaledProfile } from './traffic/model.ts';
import { writeTraffic } from './traffic/bulk.ts';
import type { Tally } from './traffic/tally.ts';

/**
 * The local days of a demo history of `months` months ending today (excluded): from the first of
 * the month `months − 1` months back, so that 13 months give this month and the same one last year.
 */
export function demoHistoryRange(months: number, now: number): { from: string; to: string } {
  const today = localDateOf(now);
  const back = today.year * 12 + (today.month - 1) - (months - 1);
  return { from: isoDate({ year: Math.floor(back / 12), month: (back % 12) + 1, day: 1 }), to: isoDate(today) };
}

/**
 * Milan's simulated contact history for the demo dashboards (scripts/traffic/model.ts), written once:
 * nothing is written when simulated cases exist already. The history is settled (every simulated
 * case closed before today), so the offices' queues hold only live cases with their workflows.
 * Answers the tally written, or null when it was there already.
 */
export async function seedDemoHistory(db: Db, o: { months: number; scale: number; now?: number }): Promise<Tally | null> {
  if (o.months === 0) return null;
  const { from, to } = demoHistoryRange(o.months, o.now ?? Date.now());
  const profile = scaledProfile(milanProfile(from, to), o.scale);
  // One transaction: a start interrupted half-way leaves no history (and no rollup trigger off), the next one writes it.
  return await db.transaction().execute(async (trx) => {
    // Simulated cases mark a history (bulk writes them; live mode's calls go through the API and open C- cases).
    const seeded = await trx.selectFrom('cases').select('id').where('id', 'like', 'SIM-%').limit(1).executeTakeFirst();
    if (seeded) return null;
    return await writeTraffic(trx, generateTraffic(profile, 2018, { settled: true }), { rollups: 'rebuild', rowsPerInsert: 20_000 });
  });
}
