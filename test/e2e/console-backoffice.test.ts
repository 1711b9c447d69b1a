import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type ConsolePlatform, logInAs, row, settled, startConsolePlatform, taxRefundsAtTheOffice } from '../helpers/console.ts';

let p: ConsolePlatform;
const transferred: string[] = [];

/** Three TARI refunds at the tax office: the demo one first (most urgent), then two more. */
beforeAll(async () => {
  p = await startConsolePlatform();
  transferred.push(...(await taxRefundsAtTheOffice(p)));
});
afterAll(async () => {
  await p?.stop();
});

describe('back-office journey in the console', () => {
  it('works the office queue: claims, asks the citizen, answers and resolves, hands on; each refusal shows its reason', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'marco.colombo@comune.milano.example', 'Marco Colombo');
    await page.getByRole('region', { name: 'Coda dell’ufficio (da prendere)' }).getByText('3', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Le mie pratiche' }).getByText('0', { exact: true }).waitFor();
    await checkPage(page, 'console-backoffice-dashboard');

    // The queue, most urgent first, each with its due time in words and colour.
    await page.getByRole('menuitem', { name: 'Coda dell’ufficio' }).click();
    await row(page, transferred[2]!).waitFor();
    const cases = await page
      .getByRole('row')
      .filter({ hasText: /C-\d{4}-\d{6}/ })
      .evaluateAll((rows) => rows.map((r) => r.textContent!.match(/C-\d{4}-\d{6}/)![0]));
    expect(cases).toEqual(transferred);
    await row(page, transferred[0]!)
      .getByText(/^Nei tempi · Scade tra \d+/)
      .waitFor();
    await checkPage(page, 'console-office-queue');

    await row(page, transferred[0]!).getByRole('button', { name: 'Prendi in carico' }).click();
    await page.getByText('Pratica presa in carico: ora è tua').waitFor();
    await row(page, transferred[0]!).getByText('In lavorazione').waitFor();

    // My tasks: ask the citizen; asking again is refused with the workflow's reason.
    await page.getByRole('menuitem', { name: 'Le mie pratiche' }).click();
    const mine = row(page, transferred[0]!);
    await mine.getByText('In lavorazione').waitFor();
    await settled(page);
    await mine.getByRole('button', { name: 'Chiedi al cittadino' }).click();
    let dialog = page.getByRole('dialog', { name: /Chiedi informazioni al cittadino/ });
    await dialog.getByRole('textbox', { name: /Domanda per il cittadino/ }).fill('Ci invii la ricevuta del secondo pagamento');
    await checkPage(page, 'console-ask-citizen');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('Domanda inviata: i tempi sono sospesi fino alla risposta').waitFor();
    const [waiting] = await p.query<{ stage: string }>('select stage from cases where id = $1', [transferred[0]]);
    expect(waiting!.stage).toBe('waiting-citizen');

    await mine.getByRole('button', { name: 'Chiedi al cittadino' }).click();
    dialog = page.getByRole('dialog', { name: /Chiedi informazioni al cittadino/ });
    await dialog.getByRole('textbox', { name: /Domanda per il cittadino/ }).fill('E anche l’IBAN');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText(/the office is already waiting for the citizen/).waitFor();
    await dialog.getByRole('button', { name: 'Annulla' }).click();

    // The answer closes the case.
    await mine.getByRole('button', { name: 'Rispondi e chiudi' }).click();
    dialog = page.getByRole('dialog', { name: /Rispondi e chiudi/ });
    await dialog.getByRole('combobox', { name: /Esito/ }).click();
    await page.getByRole('option', { name: 'Risolta' }).click();
    await dialog.getByRole('textbox', { name: /Risposta al cittadino/ }).fill('Il rimborso sarà accreditato entro 60 giorni');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('Risposta inviata, pratica risolta').waitFor();
    const [resolved] = await p.query<{ status: string; outcome: string }>('select status, outcome from cases where id = $1', [
      transferred[0],
    ]);
    expect(resolved).toEqual({ status: 'resolved', outcome: 'resolved' });
    const events = await p.query<{ type: string; data: Record<string, unknown> }>(
      "select type, data from case_events where case_id = $1 and type in ('information.requested', 'task.completed') order by seq",
      [transferred[0]],
    );
    expect(events).toEqual([
      { type: 'information.requested', data: { question: 'Ci invii la ricevuta del secondo pagamento' } },
      { type: 'task.completed', data: { answer: 'Il rimborso sarà accreditato entro 60 giorni', outcome: 'resolved' } },
    ]);

    // Not for this office: hand it on to the registry office.
    await page.getByRole('menuitem', { name: 'Coda dell’ufficio' }).click();
    await row(page, transferred[1]!).waitFor();
    await settled(page);
    await row(page, transferred[1]!).getByRole('button', { name: 'Passa ad altro ufficio' }).click();
    dialog = page.getByRole('dialog', { name: /Passa a un altro ufficio/ });
    await dialog.getByRole('combobox', { name: /Ufficio/ }).click();
    await page.getByRole('option', { name: 'Servizi Civici - Anagrafe' }).click();
    await dialog.getByRole('textbox', { name: /Motivo/ }).fill('Riguarda la residenza, non la TARI');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('Pratica passata all’ufficio').waitFor();
    expect(await p.query('select office_id, status from tasks where case_id = $1', [transferred[1]])).toEqual([
      { office_id: 'mi-anagrafe', status: 'open' },
    ]);
    await page.close();
  }, 240_000);

  it('lets a supervisor reassign several tasks at once', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'paolo.greco@020202.example', 'Paolo Greco');
    await checkPage(page, 'console-supervisor-dashboard');
    await page.goto(p.url(`/admin/#/tasks?filter=${encodeURIComponent('{"status":"open"}')}`));
    await row(page, transferred[2]!).waitFor();
    await settled(page);
    for (const id of transferred.slice(1)) await row(page, id).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Riassegna' }).click();
    const dialog = page.getByRole('dialog', { name: 'Riassegna 2 pratiche a un altro ufficio' });
    await dialog.getByRole('combobox', { name: /Ufficio/ }).click();
    await page.getByRole('option', { name: 'Ufficio Relazioni con il Pubblico' }).click();
    await checkPage(page, 'console-bulk-reassign');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('2 riassegnate').waitFor();
    expect(await p.query('select case_id, office_id from tasks where case_id = any($1) order by case_id', [transferred.slice(1)])).toEqual(
      transferred.slice(1).map((id) => ({ case_id: id, office_id: 'mi-urp' })),
    );
    await page.close();
  }, 120_000);
});
