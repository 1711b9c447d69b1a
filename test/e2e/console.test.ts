import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../catalog/demo.ts';
import { logIn } from '../../scripts/api-session.ts';
import { launchChromium, screenshot } from '../helpers/browser.ts';
import { type NodeScript, type PlatformPorts, platformEnv, platformReady, startPlatform } from '../helpers/platform.ts';

let ports: PlatformPorts;
let dataDir: string;
let run: NodeScript;
let browser: Browser;
let page: Page;
const url = (p: string) => `http://127.0.0.1:${ports.api}${p}`;

async function caseRow(id: string) {
  const client = new pg.Client({ connectionString: `postgres://postgres:sportello@127.0.0.1:${ports.postgres}/sportello` });
  await client.connect();
  try {
    const { rows: [row] } = await client.query('select status, outcome from cases where id = $1', [id]);
    const { rows: events } = await client.query('select type, data from case_events where case_id = $1 order by seq', [id]);
    return { ...row, events };
  } finally { await client.end(); }
}

beforeAll(async () => {
  const setup = await platformEnv();
  ({ ports, dataDir } = setup);
  run = startPlatform(setup.env);
  await platformReady(run);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'it-IT', timezoneId: 'Europe/Rome' });
});
afterAll(async () => {
  await browser?.close();
  await run?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.sequential('admin console in Chromium', () => {
  let caseId: string;

  it('asks for a log-in, refuses a wrong password, then lets the user in', async () => {
    await page.goto(url('/admin/'));
    await page.getByLabel(/username/i).fill('admin@sportello.example');
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong password');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByText(/wrong e-mail or password/).waitFor();
    await page.getByRole('textbox', { name: 'Password' }).fill(demoPassword);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByText('Amministratore (admin)').waitFor();
  });

  it('lists the cases, newest first, and filters them by free text', async () => {
    await page.goto(url('/admin/'));
    await page.getByRole('row').filter({ hasText: 'Buca in via Padova 120' }).waitFor();
    expect(await page.getByRole('row').count()).toBe(5); // header + four demo cases
    await screenshot(page, 'console-case-list');

    await page.getByPlaceholder(/search/i).fill('nido');
    await expect.poll(() => page.getByRole('row').count(), { timeout: 15_000 }).toBe(2);
    const row = page.getByRole('row').filter({ hasText: 'Iscrizione asilo nido: documenti mancanti' });
    caseId = (await row.getByText(/^C-\d{4}-\d{6}$/).textContent())!;
    expect(caseId).toMatch(/^C-\d{4}-\d{6}$/);
  });

  it('shows a case with its timeline', async () => {
    await page.getByRole('row').filter({ hasText: 'Iscrizione asilo nido: documenti mancanti' }).click();
    await page.waitForURL(/#\/cases\/.+\/show$/);
    await page.getByText('case.opened').waitFor();
    await expect.poll(() => page.getByText('Iscrizione asilo nido', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot(page, 'console-case-show');
  });

  it('resolves it through the dialog; the page and the database show the outcome', async () => {
    await page.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog', { name: /Resolve case/ });
    await dialog.getByRole('combobox', { name: /Outcome/ }).click();
    await page.getByRole('option', { name: 'Redirected to the competent body' }).click();
    await dialog.getByRole('textbox', { name: 'Note' }).fill('Domanda da presentare al nido convenzionato');
    await screenshot(page, 'console-resolve-dialog');
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    await page.getByText('Case resolved').waitFor();
    await page.getByText('case.resolved').waitFor();
    expect(await page.getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    const stored = await caseRow(caseId);
    expect(stored).toMatchObject({ status: 'resolved', outcome: 'redirected' });
    expect(stored.events[1]).toEqual({ type: 'case.resolved', data: { outcome: 'redirected', note: 'Domanda da presentare al nido convenzionato' } });
  });

  it("shows the server's reason when a service may not be closed at the first level", async () => {
    await page.goto(url(`/admin/#/cases?filter=${encodeURIComponent('{}')}`));
    await page.getByRole('row').filter({ hasText: 'Buca in via Padova 120' }).click();
    await page.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog', { name: /Resolve case/ });
    await dialog.getByRole('combobox', { name: /Outcome/ }).click();
    await page.getByRole('option', { name: 'Resolved' }).click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/cannot be closed at the first level: transfer it to the competent office/).waitFor();
    expect(await page.getByText('case.resolved').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('transfers it to the competent office, which then holds a task with its due time', async () => {
    await page.getByRole('button', { name: 'Transfer to office' }).click();
    const dialog = page.getByRole('dialog', { name: /Transfer case/ });
    await dialog.getByRole('textbox', { name: 'Note' }).fill('Pericolo per i motocicli');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Case transferred').waitFor();
    await page.getByText('case.transferred').waitFor();
    await page.getByRole('cell', { name: 'Manutenzione Strade' }).waitFor();
    expect(await page.getByRole('button', { name: 'Transfer to office' }).count()).toBe(0);
    await screenshot(page, 'console-case-transferred');
    const id = decodeURIComponent(page.url().match(/cases\/([^/]+)\/show/)![1]!);
    const client = new pg.Client({ connectionString: `postgres://postgres:sportello@127.0.0.1:${ports.postgres}/sportello` });
    await client.connect();
    try {
      const { rows } = await client.query('select office_id, status, sla_state from tasks where case_id = $1', [id]);
      expect(rows).toEqual([{ office_id: 'mi-strade', status: 'open', sla_state: 'on-track' }]);
    } finally { await client.end(); }
  });

  it("shows the server's refusal when the case was resolved meanwhile", async () => {
    await page.goto(url(`/admin/#/cases?filter=${encodeURIComponent('{}')}`));
    const row = page.getByRole('row').filter({ hasText: 'Orari dell’anagrafe di via Larga' });
    await row.click();
    await page.getByRole('button', { name: 'Resolve' }).waitFor();
    const id = page.url().match(/cases\/([^/]+)\/show/)![1]!;
    // Someone else resolves it first, through the API.
    const other = await (await logIn(url(''), 'giulia.rossi@020202.example', demoPassword))(`/api/cases/${decodeURIComponent(id)}/resolve`, {
      method: 'POST', body: '{"outcome":"resolved"}',
    });
    expect(other.status).toBe(200);

    await page.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog', { name: /Resolve case/ });
    await dialog.getByRole('combobox', { name: /Outcome/ }).click();
    await page.getByRole('option', { name: 'Withdrawn by the citizen' }).click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/is already resolved/).waitFor();
    await screenshot(page, 'console-resolve-conflict');
    expect((await caseRow(decodeURIComponent(id))).outcome).toBe('resolved');
  });
});
