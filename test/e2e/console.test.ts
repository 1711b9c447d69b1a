import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../catalog/demo.ts';
import { checkPage, type ConsolePlatform, startConsolePlatform } from '../helpers/console.ts';

let p: ConsolePlatform;
let page: Page;

async function caseRow(id: string) {
  const [row] = await p.query<{ status: string; outcome: string | null }>('select status, outcome from cases where id = $1', [id]);
  const events = await p.query('select type, data from case_events where case_id = $1 order by seq', [id]);
  return { ...row, events };
}

beforeAll(async () => {
  p = await startConsolePlatform();
  page = await p.newPage();
});
afterAll(async () => {
  await p?.stop();
});

describe.sequential('admin console in Chromium', () => {
  let caseId: string;

  it('asks for a log-in in Italian, refuses a wrong password, then lets the user in', async () => {
    await page.goto(p.url('/admin/'));
    await page.getByLabel(/nome utente/i).fill('admin@sportello.example');
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong password');
    await checkPage(page, 'console-login');
    await page.getByRole('button', { name: /accedi/i }).click();
    await page.getByText(/wrong e-mail or password/).waitFor();
    await page.getByRole('textbox', { name: 'Password' }).fill(demoPassword);
    await page.getByRole('button', { name: /accedi/i }).click();
    await page.getByRole('heading', { name: 'Buongiorno, Amministratore' }).waitFor();
    await page.getByRole('region', { name: 'Pratiche aperte' }).getByText('4').waitFor();
    await checkPage(page, 'console-admin-dashboard');
  });

  it('lists the cases, newest first, and filters them by free text', async () => {
    await page.getByRole('menuitem', { name: 'Pratiche', exact: true }).click();
    await page.getByRole('row').filter({ hasText: 'Buca in via Padova 120' }).waitFor();
    expect(await page.getByRole('row').count()).toBe(5); // header + four demo cases
    await page.getByRole('columnheader', { name: 'Aperta il' }).waitFor();
    await checkPage(page, 'console-case-list');

    await page.getByPlaceholder(/cerca/i).fill('nido');
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    const row = page.getByRole('row').filter({ hasText: 'Iscrizione asilo nido: documenti mancanti' });
    caseId = (await row.getByText(/^C-\d{4}-\d{6}$/).textContent())!;
    expect(caseId).toMatch(/^C-\d{4}-\d{6}$/);
  });

  it('switches to English and back; times stay in Rome', async () => {
    await page.getByRole('button', { name: 'Italiano' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('columnheader', { name: 'Opened' }).waitFor();
    await page.getByRole('menuitem', { name: 'Cases', exact: true }).waitFor();
    const opened = await page.getByRole('row').nth(1).getByRole('cell').nth(1).textContent();
    const [stored] = await p.query<{ created_at: Date }>('select created_at from cases where id = $1', [caseId]);
    const rome = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', dateStyle: 'short', timeStyle: 'short' }).format(
      stored!.created_at,
    );
    expect(opened).toBe(rome);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Italiano' }).click();
    await page.getByRole('columnheader', { name: 'Aperta il' }).waitFor();
  });

  it('shows a case with its timeline', async () => {
    await page.getByRole('row').filter({ hasText: 'Iscrizione asilo nido: documenti mancanti' }).click();
    await page.waitForURL(/#\/cases\/.+\/show$/);
    await page.getByText('case.opened').waitFor();
    await expect.poll(() => page.getByText('Iscrizione asilo nido', { exact: true }).count()).toBeGreaterThan(0);
    await checkPage(page, 'console-case-show');
  });

  it('resolves it through the dialog; the page and the database show the outcome', async () => {
    await page.getByRole('button', { name: 'Risolvi' }).click();
    const dialog = page.getByRole('dialog', { name: /Risolvi la pratica/ });
    await dialog.getByRole('combobox', { name: /Esito/ }).click();
    await page.getByRole('option', { name: 'Indirizzata all’ente competente' }).click();
    await dialog.getByRole('textbox', { name: 'Nota' }).fill('Domanda da presentare al nido convenzionato');
    await checkPage(page, 'console-resolve-dialog');
    await dialog.getByRole('button', { name: 'Conferma' }).click();

    await page.getByText('Pratica risolta').waitFor();
    await page.getByText('case.resolved').waitFor();
    expect(await page.getByRole('button', { name: 'Risolvi' }).count()).toBe(0);
    const stored = await caseRow(caseId);
    expect(stored).toMatchObject({ status: 'resolved', outcome: 'redirected' });
    // After the opening and the citizen's acknowledgement.
    expect(stored.events.slice(0, 2).map((e) => e.type)).toEqual(['case.opened', 'citizen.acknowledged']);
    expect(stored.events[2]).toEqual({
      type: 'case.resolved',
      data: { outcome: 'redirected', note: 'Domanda da presentare al nido convenzionato' },
    });
  });

  it("shows the server's reason when a service may not be closed at the first level", async () => {
    await page.goto(p.url(`/admin/#/cases?filter=${encodeURIComponent('{}')}`));
    await page.getByRole('row').filter({ hasText: 'Buca in via Padova 120' }).click();
    await page.getByRole('button', { name: 'Risolvi' }).click();
    const dialog = page.getByRole('dialog', { name: /Risolvi la pratica/ });
    await dialog.getByRole('combobox', { name: /Esito/ }).click();
    await page.getByRole('option', { name: 'Risolta' }).click();
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText(/cannot be closed at the first level: transfer it to the competent office/).waitFor();
    expect(await page.getByText('case.resolved').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Annulla' }).click();
  });

  it('transfers it to the competent office, which then holds a task with its due time', async () => {
    await page.getByRole('button', { name: 'Trasferisci all’ufficio' }).click();
    const dialog = page.getByRole('dialog', { name: /Trasferisci la pratica/ });
    await dialog.getByRole('textbox', { name: 'Nota' }).fill('Pericolo per i motocicli');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('Pratica trasferita').waitFor();
    await page.getByText('case.transferred').waitFor();
    await page.getByRole('cell', { name: 'Manutenzione Strade' }).waitFor();
    expect(await page.getByRole('button', { name: 'Trasferisci all’ufficio' }).count()).toBe(0);
    await checkPage(page, 'console-case-transferred');
    const id = decodeURIComponent(page.url().match(/cases\/([^/]+)\/show/)![1]!);
    expect(await p.query('select office_id, status, sla_state from tasks where case_id = $1', [id])).toEqual([
      { office_id: 'mi-strade', status: 'open', sla_state: 'on-track' },
    ]);
  });

  it("shows the server's refusal when the case was resolved meanwhile", async () => {
    await page.goto(p.url(`/admin/#/cases?filter=${encodeURIComponent('{}')}`));
    await page.getByRole('row').filter({ hasText: 'Orari dell’anagrafe di via Larga' }).click();
    await page.getByRole('button', { name: 'Risolvi' }).waitFor();
    const id = decodeURIComponent(page.url().match(/cases\/([^/]+)\/show/)![1]!);
    // Someone else resolves it first, through the API.
    const other = await (
      await p.api('giulia.rossi@020202.example')
    )(`/api/cases/${id}/resolve`, { method: 'POST', body: '{"outcome":"resolved"}' });
    expect(other.status).toBe(200);

    await page.getByRole('button', { name: 'Risolvi' }).click();
    const dialog = page.getByRole('dialog', { name: /Risolvi la pratica/ });
    await dialog.getByRole('combobox', { name: /Esito/ }).click();
    await page.getByRole('option', { name: 'Ritirata dal cittadino' }).click();
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText(/is already resolved/).waitFor();
    await checkPage(page, 'console-resolve-conflict');
    expect((await caseRow(id)).outcome).toBe('resolved');
  });
});
