import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ConsolePlatform, logInAs, settled, startConsolePlatform } from '../helpers/console.ts';

let p: ConsolePlatform;

/**
 * 1,001 of Milan's cases opened today, written straight into the read model: a list too long to
 * count. A millisecond apart, so that just after midnight in Rome they are all still today's.
 */
beforeAll(async () => {
  p = await startConsolePlatform();
  await p.query(`
    insert into cases (id, municipality_id, service_code, channel, subject, description, citizen, status, stage,
                       created_at, updated_at, last_seq, definition_version)
    select 'C-2031-' || lpad(i::text, 6, '0'), 'milano', 'general-information', 'web', 'Cartella esattoriale ' || i, '', '{}'::jsonb,
           'open', 'intake', now() - i * interval '1 millisecond', now(), 0, 1
    from generate_series(1, 1001) i`);
});
afterAll(async () => {
  await p?.stop();
});

describe('a list the API counts only up to 1,000', () => {
  it('shows "more than 1,000" on the dashboard and in the list, and still pages on', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'paolo.greco@020202.example', 'Paolo Greco');
    await page
      .getByRole('region', { name: 'Pratiche aperte oggi' })
      .getByText(/^oltre 1\.?000$/)
      .waitFor();

    await page.goto(p.url(`/admin/#/cases?filter=${encodeURIComponent(JSON.stringify({ q: 'esattoriale' }))}`));
    await settled(page);
    await page.getByText(/^1-10 di oltre 1\.?000$/).waitFor();
    await page.getByRole('button', { name: /successiva|next/i }).click();
    await page.getByText(/^11-20 di oltre 1\.?000$/).waitFor();
  });
});
