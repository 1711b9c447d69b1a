import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type ConsolePlatform, logInAs, startConsolePlatform } from '../helpers/console.ts';

let p: ConsolePlatform;
let page: Page;

beforeAll(async () => {
  p = await startConsolePlatform();
  page = await p.newPage();
});
afterAll(async () => {
  await p?.stop();
});

const focusedLabel = () =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    return el?.labels?.[0]?.textContent ?? el?.getAttribute('aria-label') ?? null;
  });

describe('operator journey in the console', () => {
  it('takes a call from the keyboard: finds the citizen, fills the intake form, searches the knowledge base, resolves at the first level', async () => {
    await logInAs(page, p.url, 'giulia.rossi@020202.example', 'Giulia Rossi');
    // Milan's three demo cases, opened as the platform started.
    await page.getByRole('region', { name: 'Pratiche aperte oggi' }).getByText('3', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Ultime pratiche' }).waitFor();
    await checkPage(page, 'console-operator-dashboard');

    // The phone rings: Alt+N, the cursor is already in the lookup field.
    await page.keyboard.press('Alt+KeyN');
    await page.getByRole('heading', { name: 'Nuova chiamata', level: 1 }).waitFor();
    await page.getByText(/Alt\+K base di conoscenza/).waitFor();
    await expect.poll(focusedLabel).toMatch(/Telefono, codice fiscale o e-mail/);
    // The number as people say it finds Maria Bianchi, on file as +393331234567 (issue 16).
    await page.keyboard.type('333 123 4567');
    await page.keyboard.press('Enter');
    await page.getByText(/Cittadino trovato: Maria Bianchi/).waitFor();
    await page.getByRole('link', { name: /Rimborso TARI 2025 pagata due volte/ }).waitFor();
    await page.getByRole('heading', { name: 'Storico dei contatti' }).waitFor();
    await expect(page.getByRole('textbox', { name: 'Codice fiscale', exact: true }).inputValue()).resolves.toBe('BNCMRA70A41F205X');

    // The request: Milan is the operator's only city, so it is chosen; the service's fields appear.
    await page.getByRole('combobox', { name: /Servizio/ }).click();
    await page.getByRole('option', { name: 'Informazioni generali' }).click();
    const topic = page.getByRole('textbox', { name: /Argomento/ });
    await topic.fill('x');
    await topic.fill('');
    await page.getByText('Obbligatorio').first().waitFor(); // validated as it is typed
    await topic.fill('orari anagrafe');
    await page.getByText('Questo servizio può essere risolto al primo livello.').waitFor();
    // A malformed e-mail only the API checks: its answer lands on the field.
    await page.getByRole('textbox', { name: 'E-mail', exact: true }).fill('maria.bianchi@');
    await page.getByRole('textbox', { name: /Oggetto/ }).fill('Anagrafe aperta il sabato?');

    // The knowledge base, from the keyboard: ranked, the matching words highlighted.
    await page.keyboard.press('Alt+KeyK');
    await expect.poll(focusedLabel).toMatch(/Cerca nella base di conoscenza/);
    await page.keyboard.type('orari anagrafe');
    await page.keyboard.press('Enter');
    const hits = page.getByRole('list', { name: 'Base di conoscenza' });
    await hits.getByText('Orari degli sportelli anagrafici').waitFor();
    expect(await hits.locator('mark').count()).toBeGreaterThan(0);
    expect(await hits.locator('script, img').count()).toBe(0);
    await checkPage(page, 'console-new-contact');

    await page.getByRole('textbox', { name: /Oggetto/ }).press('Enter');
    await page.getByText('Alcuni campi vanno corretti.').waitFor();
    const emailField = page.getByRole('textbox', { name: 'E-mail', exact: true });
    await expect(emailField.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect.poll(focusedLabel).toBe('E-mail'); // the cursor waits on the field to correct
    expect(await page.getByText(/Invalid email/i).count()).toBeGreaterThan(0);
    await emailField.fill('maria.bianchi@example.org');
    await emailField.press('Enter');

    // Opened; the decision has the focus: Alt+R resolves at the first level.
    const opened = page.getByText(/^Pratica C-\d{4}-\d{6} aperta$/);
    await opened.waitFor();
    const caseId = (await opened.textContent())!.split(' ')[1]!;
    await page.getByRole('textbox', { name: 'Nota' }).fill('Il sabato apre solo lo sportello di via Larga');
    await checkPage(page, 'console-new-contact-decide');
    await page.keyboard.press('Alt+KeyR');
    await page.getByText(`Pratica ${caseId} risolta al primo livello`).waitFor();
    await checkPage(page, 'console-new-contact-resolved');

    const [stored] = await p.query<Record<string, unknown>>(
      'select status, outcome, channel, subject, citizen, details, municipality_id from cases where id = $1',
      [caseId],
    );
    expect(stored).toMatchObject({
      status: 'resolved',
      outcome: 'resolved',
      channel: 'phone',
      subject: 'Anagrafe aperta il sabato?',
      municipality_id: 'milano',
      details: { topic: 'orari anagrafe' },
      citizen: { name: 'Maria Bianchi', phone: '+393331234567', email: 'maria.bianchi@example.org', fiscalCode: 'BNCMRA70A41F205X' },
    });
    // One citizen, one record: the new case is linked to the record of her earlier cases.
    const records = await p.query<{ citizen_id: string | null }>(
      "select distinct citizen_id from cases where municipality_id = 'milano' and citizen->>'fiscalCode' = 'BNCMRA70A41F205X'",
    );
    expect(records).toEqual([{ citizen_id: expect.any(String) }]);
    const events = await p.query<{ type: string; actor: string | null }>(
      'select type, actor from case_events where case_id = $1 order by seq',
      [caseId],
    );
    // Then the workflow tells the citizen and sends the survey.
    expect(events.map((e) => e.type).slice(0, 3)).toEqual(['case.opened', 'citizen.acknowledged', 'case.resolved']);
    expect(events[2]!.actor).toBe('giulia.operatrice');

    // The next call starts from a clean page.
    await page.getByRole('button', { name: 'Chiamata successiva' }).click();
    await expect.poll(focusedLabel).toMatch(/Telefono, codice fiscale o e-mail/);
  }, 240_000);
});
