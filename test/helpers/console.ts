import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import pg from 'pg';
import { expect } from 'vitest';
import { demoPassword } from '../../catalog/demo.ts';
import { type ApiFetch, logIn } from '../../scripts/api-session.ts';
import { accessibilityViolations, launchChromium, screenshot } from './browser.ts';
import { type PlatformPorts, platformDatabaseUrl, startRunningPlatform } from './platform.ts';

/** The whole platform with its demo data, and Debian's Chromium to drive the console with. */
export interface ConsolePlatform {
  ports: PlatformPorts;
  url: (path: string) => string;
  browser: Browser;
  /** A fresh page (its own cookies) in Italian, in Rome. */
  newPage: () => Promise<Page>;
  /** The API as a demo user, for what happens elsewhere meanwhile. */
  api: (email: string) => Promise<ApiFetch>;
  query: <R extends object = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;
  /** What `npm start` printed so far (its banner among it). */
  output: () => string;
  stop: () => Promise<void>;
}

export async function startConsolePlatform(): Promise<ConsolePlatform> {
  // The auditor's panel links to the dev server's web UI, which is off unless asked for.
  const { run, ...setup } = await startRunningPlatform({ TEMPORAL_DEV_UI: 'true' });
  const browser = await launchChromium();
  const url = (p: string) => `http://127.0.0.1:${setup.ports.api}${p}`;
  return {
    ports: setup.ports,
    url,
    browser,
    newPage: async () =>
      (
        await browser.newContext({
          viewport: { width: 1366, height: 900 },
          locale: 'it-IT',
          timezoneId: 'Europe/Rome',
          // The API's Content-Security-Policy forbids inline scripts, axe-core's injection included.
          bypassCSP: true,
        })
      ).newPage(),
    api: (email) => logIn(url(''), email, demoPassword),
    output: () => run.output,
    async query(sql, params = []) {
      const client = new pg.Client({ connectionString: platformDatabaseUrl(setup.dataDir, setup.ports.postgres) });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await browser.close();
      await run.stop();
      rmSync(setup.dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the console's own form, in Italian, and waits for the role's dashboard. */
export async function logInAs(page: Page, url: (p: string) => string, email: string, displayName: string): Promise<void> {
  await page.goto(url('/admin/'));
  await page.getByLabel(/nome utente/i).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(demoPassword);
  await page.getByRole('button', { name: /accedi/i }).click();
  await page.getByRole('heading', { name: `Buongiorno, ${displayName}` }).waitFor();
}

/** A page as a user sees it: no serious or critical accessibility violation, and a screenshot of it. */
export async function checkPage(page: Page, name: string): Promise<void> {
  // Notifications and transitions settle before axe looks at colours (a spinner's endless animation is no transition).
  await page.evaluate(async () => {
    for (let frame = 0; frame < 2; frame++) await new Promise(requestAnimationFrame); // what was just rendered starts its transitions
    await Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => {})),
    );
  });
  expect(await accessibilityViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

/**
 * Three TARI refunds transferred to Milan's tax office, as Giulia opens them: the demo one first
 * (the most urgent), then two more. Answers their case ids in that order.
 */
export async function taxRefundsAtTheOffice(p: ConsolePlatform): Promise<string[]> {
  const operator = await p.api('giulia.rossi@020202.example');
  const [demo] = await p.query<{ id: string }>("select id from cases where subject = 'Rimborso TARI 2025 pagata due volte'");
  const opened = [demo!.id];
  for (const [name, fiscalCode] of [
    ['Carlo Neri', 'NRECRL75B12F205Y'],
    ['Anna Galli', 'GLLNNA82C45F205Q'],
  ] as const) {
    const res = await operator('/api/cases', {
      method: 'POST',
      body: JSON.stringify({
        municipalityId: 'milano',
        serviceCode: 'tari-refund',
        channel: 'phone',
        subject: `Rimborso TARI di ${name}`,
        citizen: { name, fiscalCode },
        details: { taxYear: 2025, taxpayerFiscalCode: fiscalCode },
      }),
    });
    expect(res.status).toBe(201);
    opened.push(((await res.json()) as { id: string }).id);
  }
  for (const id of opened) expect((await operator(`/api/cases/${id}/transfer`, { method: 'POST', body: '{}' })).status).toBe(200);
  return opened;
}

/** A list first draws what it has cached, then what the API answers: act once the app bar's spinner is gone. */
export const settled = (page: Page) => expect.poll(() => page.getByRole('progressbar').count()).toBe(0);

/** The list row that shows this text (a case number, a subject). */
export const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });
