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

const editor = () => page.getByRole('textbox', { name: 'Documento della definizione (JSON)' });
const section = (name: string | RegExp) => page.getByRole('region', { name });
const stored = async (version: number) =>
  (
    await p.query<{ status: string; document: { sla: { office: { targetHours: number; warningHours: number } } } }>(
      "select status, document from service_definitions where service_code = 'tari-refund' and version = $1",
      [version],
    )
  )[0];

describe('process designer journey in the console', () => {
  it('reads a published definition: its stages, its document and the cases running on it', async () => {
    await logInAs(page, p.url, 'elena.ricci@comune.milano.example', 'Elena Ricci');
    await page.getByRole('menuitem', { name: 'Definizioni dei servizi' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Rimborso TARI' });
    await row.getByText('Pubblicata').waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['tari-refund', '1']));
    await checkPage(page, 'console-definitions');

    await row.click();
    await page.getByRole('heading', { name: 'Rimborso TARI · versione 1' }).waitFor();
    const stages = page.getByRole('list', { name: 'Fasi' });
    await stages.getByText('milano: Area Tributi').waitFor();
    await stages.getByText('Scadenza 120 ore lavorative (preavviso a 96)').waitFor();
    await stages.getByText('3 tentativi, a 60 min l’uno dall’altro').waitFor();
    await stages.getByText('2 domande via SMS').waitFor();
    expect(await stages.getByRole('listitem').count()).toBe(6);
    await page.getByText('Una versione pubblicata non si modifica: crea una nuova bozza per cambiarla.').waitFor();
    // The demo TARI case runs on version 1.
    await section('Pratiche sulla versione 1').getByRole('row').filter({ hasText: 'Rimborso TARI 2025 pagata due volte' }).waitFor();
    await checkPage(page, 'console-definition-published');
  });

  it('drafts version 2, sees each problem at its path as it types, saves, compares and publishes it', async () => {
    await page.getByRole('button', { name: 'Nuova bozza da questa versione' }).click();
    await page.getByText('Bozza 2 creata').waitFor();
    await page.getByRole('heading', { name: 'Rimborso TARI · versione 2' }).waitFor();
    expect((await stored(2))!.status).toBe('draft');
    await page.getByText('La definizione è valida.').waitFor();

    const document = JSON.parse(await editor().inputValue());
    // A warning after the target: the API's rule, reported at its path.
    document.sla.office.warningHours = 130;
    await editor().fill(JSON.stringify(document, null, 2));
    await page.getByText('1 problema da correggere').waitFor();
    const issue = page
      .getByRole('list', { name: 'Problemi, per percorso' })
      .getByRole('button', { name: /sla\.office\.warningHours: must come before the target \(120 business hours\)/ });
    await checkPage(page, 'console-definition-editor');
    await issue.click();
    const selected = await editor().evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd));
    expect(selected.trim()).toBe('"warningHours": 130,');

    await editor().fill(`${JSON.stringify(document, null, 2)} }`);
    await page.getByText(/^JSON non valido:/).waitFor();

    document.sla.office.targetHours = 150;
    await editor().fill(JSON.stringify(document, null, 2));
    await page.getByText('La definizione è valida.').waitFor();
    await page.getByRole('button', { name: 'Salva la bozza' }).click();
    await page.getByText('Bozza 2 salvata').waitFor();
    expect((await stored(2))!.document.sla.office).toMatchObject({ targetHours: 150, warningHours: 130 });

    const diff = section('Modifiche dalla versione 1 alla 2');
    await diff
      .getByRole('row')
      .filter({ hasText: 'sla.office.targetHours' })
      .filter({ hasText: '120' })
      .filter({ hasText: '150' })
      .waitFor();
    await diff.getByRole('row').filter({ hasText: 'sla.office.warningHours' }).filter({ hasText: 'modificato' }).waitFor();
    await page.getByRole('list', { name: 'Fasi' }).getByText('Scadenza 150 ore lavorative (preavviso a 130)').waitFor();

    await page.getByRole('button', { name: 'Pubblica' }).click();
    const dialog = page.getByRole('dialog', { name: /Pubblicare la versione 2\?/ });
    await checkPage(page, 'console-definition-publish');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('Versione 2 pubblicata').waitFor();
    await page.getByText('Una versione pubblicata non si modifica: crea una nuova bozza per cambiarla.').waitFor();
    expect((await stored(2))!.status).toBe('published');
  });

  it('shows which cases run on which version', async () => {
    const operator = await p.api('giulia.rossi@020202.example');
    const res = await operator('/api/cases', {
      method: 'POST',
      body: JSON.stringify({
        municipalityId: 'milano',
        serviceCode: 'tari-refund',
        channel: 'phone',
        subject: 'Rimborso TARI 2024',
        citizen: { name: 'Carlo Neri', fiscalCode: 'NRECRL75B12F205Y' },
        details: { taxYear: 2024, taxpayerFiscalCode: 'NRECRL75B12F205Y' },
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await p.query('select definition_version from cases where id = $1', [id])).toEqual([{ definition_version: 2 }]);

    await page.reload();
    await section('Pratiche sulla versione 2').getByRole('row').filter({ hasText: id }).waitFor();
    await page.getByRole('link', { name: /v1 · Pubblicata · 1 pratica/ }).click();
    await page.getByRole('heading', { name: 'Rimborso TARI · versione 1' }).waitFor();
    const v1 = section('Pratiche sulla versione 1');
    await v1.getByRole('row').filter({ hasText: 'Rimborso TARI 2025 pagata due volte' }).waitFor();
    expect(await v1.getByRole('row').filter({ hasText: id }).count()).toBe(0);
    // The designer sees versions but reads no case: its rows open nothing.
    await checkPage(page, 'console-definition-versions');
  });
});
