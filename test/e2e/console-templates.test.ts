import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type ConsolePlatform, logInAs, row, settled, startConsolePlatform } from '../helpers/console.ts';

let p: ConsolePlatform;

beforeAll(async () => {
  p = await startConsolePlatform();
});
afterAll(async () => {
  await p?.stop();
});

const templates = () => p.query('select municipality_id, event, language, subject, body from message_templates');

describe('message templates in the console', () => {
  it('lets the administrator edit a template with a live preview, save it and reset it to the default', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'admin@sportello.example', 'Amministratore');
    await page.getByRole('menuitem', { name: 'Modelli dei messaggi' }).click();
    await page.getByRole('heading', { name: 'Modelli dei messaggi', level: 1 }).waitFor();

    // The administrator serves two municipalities: Milan's templates.
    await page.getByRole('combobox', { name: 'Comune' }).click();
    await page.getByRole('option', { name: 'Comune di Milano' }).click();
    await settled(page);
    const outcome = row(page, 'Esito della richiesta').filter({ hasText: 'Italiano' });
    await outcome.getByText('Predefinito').waitFor();
    await page.getByRole('button', { name: 'Modifica Esito della richiesta · Italiano' }).click();

    const editor = page.getByRole('region', { name: 'Modello: Esito della richiesta · Italiano' });
    const preview = editor.getByRole('region', { name: 'Anteprima con dati di esempio' });
    // The default, previewed with the sample case: the page link ends it.
    await preview.getByText(/^Comune - la sua richiesta C-2026-000042 è stata risolta\.\s+Segua la richiesta: http/).waitFor();

    await editor.getByRole('textbox', { name: 'Oggetto' }).fill('Comune di Milano - pratica {caseId}');
    await editor.getByRole('textbox', { name: 'Testo' }).fill('La pratica {caseId} {outcome}. Segua qui: {pageUrl} ({question})');
    // A placeholder the event does not give: the preview says so on the field.
    await editor.getByText(/unknown placeholder \{question\}/).waitFor();
    await editor.getByRole('textbox', { name: 'Testo' }).fill('La pratica {caseId} {outcome}. Segua qui: {pageUrl}');
    await preview.getByText('Comune di Milano - pratica C-2026-000042').waitFor();
    await preview.getByText(/^La pratica C-2026-000042 è stata risolta\. Segua qui: http:\/\/\S+\/c\/\S+$/).waitFor();
    await checkPage(page, 'console-templates-edit');
    expect(await templates()).toEqual([]);

    await editor.getByRole('button', { name: 'Salva' }).click();
    await page.getByText('Modello salvato: i prossimi messaggi lo usano.').waitFor();
    await outcome.getByText('Personalizzato').waitFor();
    expect(await templates()).toEqual([
      {
        municipality_id: 'milano',
        event: 'case.resolved',
        language: 'it',
        subject: 'Comune di Milano - pratica {caseId}',
        body: 'La pratica {caseId} {outcome}. Segua qui: {pageUrl}',
      },
    ]);

    await editor.getByRole('button', { name: 'Torna al predefinito' }).click();
    await page.getByText('Ripristinato il modello predefinito.').waitFor();
    await outcome.getByText('Predefinito').waitFor();
    await expect
      .poll(() => editor.getByRole('textbox', { name: 'Testo' }).inputValue())
      .toBe('Comune - la sua richiesta {caseId} {outcome}.');
    expect(await templates()).toEqual([]);
    const audit = await p.query<{ action: string }>("select action from audit_log where target_type = 'message_template' order by id");
    expect(audit.map((a) => a.action)).toEqual(['message_template.updated', 'message_template.reset']);
  });
});
