import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type ConsolePlatform, logInAs, startConsolePlatform, settled } from '../helpers/console.ts';

let p: ConsolePlatform;
let page: Page;
/** The last seven days in Rome, as the dashboard's URL names them and as instants for the API. */
let days: { from: string; to: string };
let range: { from: string; to: string };

interface CaseKpis {
  totals: Record<string, number | null>;
  series: unknown[];
  breakdowns: { channel: { key: string; casesOpened: number }[] };
}

beforeAll(async () => {
  p = await startConsolePlatform();
  // Two more cases beside Milan's three demo ones: one on the web, handed to the tax office.
  const supervisor = await p.api('paolo.greco@020202.example');
  for (const [name, fiscalCode, channel] of [
    ['Carlo Neri', 'NRECRL75B12F205Y', 'web'],
    ['Anna Galli', 'GLLNNA82C45F205Q', 'phone'],
  ] as const) {
    const res = await supervisor('/api/cases', {
      method: 'POST',
      body: JSON.stringify({
        municipalityId: 'milano',
        serviceCode: 'tari-refund',
        channel,
        subject: `Rimborso TARI di ${name}`,
        citizen: { name, fiscalCode },
        details: { taxYear: 2025, taxpayerFiscalCode: fiscalCode },
      }),
    });
    expect(res.status).toBe(201);
    if (channel === 'web') {
      const { id } = (await res.json()) as { id: string };
      expect((await supervisor(`/api/cases/${id}/transfer`, { method: 'POST', body: '{}' })).status).toBe(200);
    }
  }
  // Computed by PostgreSQL, not by the console's own code: midnights in Rome.
  const [r] = await p.query<{ from: string; to: string; fromInstant: Date; toInstant: Date }>(`
    select to_char(d - 6, 'YYYY-MM-DD') as "from", to_char(d, 'YYYY-MM-DD') as "to",
           (d - 6)::timestamp at time zone 'Europe/Rome' as "fromInstant", (d + 1)::timestamp at time zone 'Europe/Rome' as "toInstant"
      from (select (now() at time zone 'Europe/Rome')::date as d) today`);
  days = { from: r!.from, to: r!.to };
  range = { from: r!.fromInstant.toISOString(), to: r!.toInstant.toISOString() };
  // Calls on Milan's line yesterday (Rome): at 09:05 and 09:20 abandoned after 40 and 90 s, at 09:40
  // after 2 s (a short abandon), at 10:10 answered, at 10:30 answered and transferred (its leg is
  // no new call), at 11:00 outbound (not offered).
  await p.query(`
    insert into calls (id, linked_call_id, direction, caller, called, municipality_id, state, queue, end_cause, wait_seconds, started_at, connected_at, ended_at, last_seq)
    select v.id, v.linked, v.direction, '+39333000000' || v.n, '020202', 'milano', 'ended', 'generale', v.cause, v.wait,
           y + v.at, y + v.at + v.answer, y + v.at + v.ends, 4
      from (select ((now() at time zone 'Europe/Rome')::date - 1)::timestamp at time zone 'Europe/Rome' as y) yesterday,
           (values ('kpi-call-1', 1, null, 'inbound', 'abandoned', 40, interval '09:05', null::interval, interval '40 s'),
                   ('kpi-call-2', 2, null, 'inbound', 'abandoned', 90, interval '09:20', null, interval '90 s'),
                   ('kpi-call-3', 3, null, 'inbound', 'abandoned', 2, interval '09:40', null, interval '2 s'),
                   ('kpi-call-4', 4, null, 'inbound', 'normal', null, interval '10:10', interval '15 s', interval '5 min'),
                   ('kpi-call-5', 5, null, 'inbound', 'transferred', null, interval '10:30', interval '30 s', interval '3 min'),
                   ('kpi-call-5t', 5, 'kpi-call-5', 'inbound', 'normal', null, interval '10:33', interval '5 s', interval '2 min'),
                   ('kpi-call-6', 6, null, 'outbound', 'normal', null, interval '11:00', interval '10 s', interval '1 min'))
             as v(id, n, linked, direction, cause, wait, at, answer, ends)`);
  page = await p.newPage();
  // A step that does not come fails with its locator well within the test's time.
  page.setDefaultTimeout(15_000);
});
afterAll(async () => {
  await p?.stop();
});

async function caseKpis(bucket: string): Promise<CaseKpis> {
  const api = await p.api('paolo.greco@020202.example');
  const res = await api(`/api/kpi/cases?${new URLSearchParams({ bucket, ...range })}`);
  expect(res.status).toBe(200);
  return (await res.json()) as CaseKpis;
}

const tile = (label: string) => page.getByRole('region', { name: label, exact: true });
/** The calls list's rows (its header apart). */
const callRows = () => page.getByRole('row').filter({ hasText: '020202' });

describe('KPI dashboard in the console', () => {
  it('shows the API’s figures under the registry’s labels, in Italian and English', async () => {
    const byDay = await caseKpis('day');
    expect(byDay.totals.casesOpened).toBe(5);

    await logInAs(page, p.url, 'paolo.greco@020202.example', 'Paolo Greco');
    await page.getByRole('menuitem', { name: 'Cruscotto KPI' }).click();
    await page.getByRole('heading', { name: 'Cruscotto KPI', level: 1 }).waitFor();
    await page.goto(p.url(`/admin/#/kpi?from=${days.from}&to=${days.to}`));

    // Each tile shows the API's figure under the registry's label, its formula one focus away.
    for (const [label, id] of [
      ['Pratiche aperte', 'casesOpened'],
      ['Pratiche chiuse', 'casesClosed'],
      ['Arretrato', 'backlog'],
      ['Violazioni dello SLA', 'slaBreaches'],
    ] as const) {
      await expect.poll(() => tile(label).locator(`[data-kpi="${id}"]`).textContent()).toBe(String(byDay.totals[id]));
    }
    await tile('Pratiche aperte').getByRole('button', { name: 'Come si calcola “Pratiche aperte”' }).hover();
    await page
      .getByRole('tooltip')
      .getByText(/created_at falls in the bucket/)
      .waitFor();
    await page.keyboard.press('Escape');
    // Breakdowns as tables too: the web case is one of the cases opened by channel.
    const web = byDay.breakdowns.channel.find((b) => b.key === 'web')!.casesOpened;
    const byChannel = page.getByRole('region', { name: 'per canale', exact: true });
    await byChannel.getByText('Mostra i valori in tabella').click();
    await byChannel.getByRole('link', { name: `${web} Web: mostra le pratiche` }).waitFor();
    await settled(page);
    await checkPage(page, 'console-kpi-cases');

    // English, then back (the app bar hides while the page is scrolled).
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'Italiano' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await tile('Cases opened').waitFor();
    await checkPage(page, 'console-kpi-cases-en');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Italiano' }).click();
    await tile('Pratiche aperte').waitFor();
  });

  it('drills down from a figure to the cases it counts', async () => {
    const byDay = await caseKpis('day');
    await page.goto(p.url(`/admin/#/kpi?from=${days.from}&to=${days.to}`));

    // Drill down: the figure opens the cases list filtered to the cases it counts.
    await tile('Pratiche aperte')
      .getByRole('link', { name: /mostra le pratiche/ })
      .click();
    await page.waitForURL(/#\/cases\?/);
    const filter = JSON.parse(new URL(page.url().replace('#/', '')).searchParams.get('filter')!) as Record<string, string>;
    expect(Date.parse(filter.createdFrom!)).toBe(Date.parse(range.from));
    expect(Date.parse(filter.createdTo!)).toBe(Date.parse(range.to));
    await settled(page);
    await expect
      .poll(() =>
        page
          .getByRole('row')
          .filter({ hasText: /C-\d{4}-\d{6}/ })
          .count(),
      )
      .toBe(5);
    await checkPage(page, 'console-kpi-drill-down');

    // The backlog's figure opens the open cases.
    await page.goBack();
    await tile('Arretrato').getByRole('link').click();
    await page.waitForURL(/#\/cases\?/);
    expect(decodeURIComponent(page.url())).toContain('"status":"open"');
    await settled(page);
    await expect
      .poll(() =>
        page
          .getByRole('row')
          .filter({ hasText: /C-\d{4}-\d{6}/ })
          .count(),
      )
      .toBe(byDay.totals.backlog);
  });

  it('switches bucket, kept in the URL', async () => {
    // Switch the bucket: the URL keeps it, the series table follows it.
    await page.goto(p.url(`/admin/#/kpi?from=${days.from}&to=${days.to}`));
    await page.getByRole('combobox', { name: 'Raggruppa per' }).click();
    await page.getByRole('option', { name: 'Settimana' }).click();
    await page.waitForURL(/bucket=week/);
    const byWeek = await caseKpis('week');
    const volumes = page.getByRole('region', { name: 'Pratiche aperte, chiuse e arretrato' });
    // The weekly figures first (the folded table re-renders, closed, when they arrive), then open it.
    await volumes.getByRole('columnheader', { name: 'Settimana', includeHidden: true }).waitFor({ state: 'attached' });
    await volumes.getByText('Mostra i valori in tabella').click();
    await volumes.getByRole('columnheader', { name: 'Settimana' }).waitFor();
    expect(await volumes.getByRole('row').count()).toBe(byWeek.series.length + 1);
    await checkPage(page, 'console-kpi-by-week');
  });

  it('shows calls, staffing and the monthly report tabs', async () => {
    // Calls: the call KPIs, or "not available" on a server that does not compute them yet.
    await page.getByRole('tab', { name: 'Chiamate' }).click();
    await page
      .getByText(/Non disponibile|Chiamate offerte per giorno della settimana e ora/)
      .first()
      .waitFor();
    await checkPage(page, 'console-kpi-calls');

    // Staffing: forecast and agents per hour for today, next to the contacts that came.
    await page.getByRole('tab', { name: 'Personale' }).click();
    await page.getByRole('spinbutton', { name: 'Livello di servizio obiettivo (%)' }).fill('90');
    await page.getByRole('button', { name: 'Calcola', exact: true }).click();
    await page.waitForURL(/sl=90/);
    await tile('Operatori necessari').waitFor();
    await page
      .getByRole('region', { name: /Contatti e operatori necessari per ora/ })
      .getByText('Mostra i valori in tabella')
      .click();
    await page.getByRole('columnheader', { name: 'Contatti effettivi' }).waitFor();
    expect(
      await page
        .getByRole('region', { name: /Contatti e operatori necessari per ora/ })
        .getByRole('row')
        .count(),
    ).toBeGreaterThanOrEqual(24);
    await checkPage(page, 'console-kpi-staffing');

    // The monthly report: a month, its figures on the page and its downloads.
    await page.getByRole('tab', { name: 'Report mensile' }).click();
    await page.getByLabel('Mese').waitFor();
    const month = days.to.slice(0, 7);
    await page.getByLabel('Mese').fill(month);
    const pdf = page.getByRole('link', { name: 'Report (PDF)' });
    await expect.poll(() => pdf.getAttribute('href')).toBe(`/api/kpi/report?month=${month}&format=pdf`);
    // This month's five cases, none the same month a year before: no change to compute.
    const monthName = new Intl.DateTimeFormat('it-IT', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${month}-01T12:00:00Z`),
    );
    const kpis = page.getByRole('region', { name: `KPI di ${monthName}` });
    await expect.poll(() => kpis.getByRole('row', { name: /^Pratiche aperte / }).innerText()).toMatch(/^Pratiche aperte\s+5\s+0\s+—$/);
    await page
      .getByRole('region', { name: 'Servizi più richiesti' })
      .getByRole('row', { name: /^Rimborso TARI\s+3\s+60%$/ })
      .waitFor();
    await checkPage(page, 'console-kpi-report');
  });
  it('drills down from a call figure and a heat-map cell to the calls it counts', async () => {
    const api = await p.api('paolo.greco@020202.example');
    const res = await api(`/api/kpi/calls?${new URLSearchParams(range)}`);
    expect(res.status).toBe(200);
    const k = (await res.json()) as { totals: Record<string, number>; heatMap: { weekday: number; hour: number; callsOffered: number }[] };
    expect(k.totals).toMatchObject({ callsOffered: 5, callsAbandoned: 2, shortAbandoned: 1, callsTransferred: 1 });

    // The abandoned calls' figure opens the calls list with exactly those calls, its filters said in words.
    await page.goto(p.url(`/admin/#/kpi?tab=calls&from=${days.from}&to=${days.to}`));
    await tile('Chiamate abbandonate')
      .getByRole('link', { name: `${k.totals.callsAbandoned} Chiamate abbandonate: mostra le chiamate` })
      .click();
    await page.waitForURL(/#\/calls\?/);
    await settled(page);
    const drill = page.getByRole('region', { name: `Filtri dal cruscotto KPI: ${k.totals.callsAbandoned} chiamate` });
    await drill
      .getByText('Contate in “Chiamate abbandonate” (in arrivo, tratte dei trasferimenti escluse); attesa di almeno 5 s')
      .waitFor();
    await expect.poll(() => callRows().count()).toBe(k.totals.callsAbandoned);
    await checkPage(page, 'console-kpi-calls-drill-down');

    // Taking the dashboard's filters away lists every call again.
    await drill.getByRole('button', { name: 'Togli i filtri del cruscotto' }).click();
    await expect.poll(() => callRows().count()).toBe(7);
    expect(await drill.count()).toBe(0);

    // A heat-map cell of Milan's line opens the calls that arrived there that weekday and hour (Rome).
    const cell = k.heatMap.find((c) => c.callsOffered === 3)!;
    const day = new Intl.DateTimeFormat('it-IT', { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, cell.weekday)));
    const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
    await page.goto(p.url(`/admin/#/kpi?tab=calls&from=${days.from}&to=${days.to}&municipalityId=milano`));
    await page
      .getByRole('link', { name: `3 chiamate di ${day} dalle ${hour(cell.hour)} alle ${hour(cell.hour + 1)}: mostra le chiamate` })
      .click();
    await page.waitForURL(/#\/calls\?/);
    await settled(page);
    const cellDrill = page.getByRole('region', { name: 'Filtri dal cruscotto KPI: 3 chiamate' });
    await cellDrill.getByText(`Di ${day}`, { exact: true }).waitFor();
    await cellDrill.getByText(`Dalle ${hour(cell.hour)} alle ${hour(cell.hour + 1)} (ora di Roma)`).waitFor();
    await cellDrill.getByText(/^Linea: .*Milano/).waitFor();
    await expect.poll(() => callRows().count()).toBe(cell.callsOffered);
    await checkPage(page, 'console-kpi-heat-map-drill-down');
  });

  it('keeps the call figures per line when the dashboard is filtered by a case-only dimension', async () => {
    await page.goto(
      p.url(`/admin/#/kpi?tab=calls&from=${days.from}&to=${days.to}&municipalityId=milano&serviceCode=tari-refund&channel=phone`),
    );
    await page
      .getByText('Le chiamate si contano per linea (comune): i filtri per servizio, ufficio e canale valgono solo per le pratiche.')
      .waitFor();
    await tile('Chiamate in ingresso').getByRole('link', { name: '5 Chiamate in ingresso: mostra le chiamate' }).waitFor();
  });
});
