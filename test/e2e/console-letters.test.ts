import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type ConsolePlatform, logInAs, row, startConsolePlatform } from '../helpers/console.ts';

/**
 * Letters and SMS as a demo shows them: a citizen who gives only a postal address is answered by
 * letter, which the back office finds in its print queue, downloads as a PDF and marks posted; and
 * the SMS the platform sends land in `npm start`'s own SMS catcher, reported delivered.
 */
let p: ConsolePlatform;
const dir = mkdtempSync(path.join(tmpdir(), 'console-letters-'));
beforeAll(async () => {
  p = await startConsolePlatform();
});
afterAll(async () => {
  await p?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the print queue', () => {
  it('a citizen with only a postal address: recorded at intake, answered by letter, the PDF downloaded, the letter marked posted', async () => {
    // The operator takes the call of a citizen with no phone or e-mail to give, only an address.
    const page = await p.newPage();
    await logInAs(page, p.url, 'giulia.rossi@020202.example', 'Giulia Rossi');
    await page.keyboard.press('Alt+KeyN');
    await page.getByRole('heading', { name: 'Nuova chiamata', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Prosegui come nuovo cittadino' }).click();
    await page.getByRole('textbox', { name: 'Nome e cognome' }).fill('Ernesto Galli');
    await page.getByRole('textbox', { name: /Indirizzo postale/ }).fill('Via Lulli 7\n20131 Milano MI');
    await page.getByRole('combobox', { name: /Servizio/ }).click();
    await page.getByRole('option', { name: 'Informazioni generali' }).click();
    await page.getByRole('textbox', { name: /Argomento/ }).fill('orari anagrafe');
    await page.getByRole('textbox', { name: /Oggetto/ }).fill('Orari anagrafe di via Larga');
    await page.getByRole('textbox', { name: /Oggetto/ }).press('Enter');
    const opened = page.getByText(/^Pratica C-\d{4}-\d{6} aperta$/);
    await opened.waitFor();
    const caseId = (await opened.textContent())!.split(' ')[1]!;
    await page.keyboard.press('Alt+KeyR');
    await page.getByText(`Pratica ${caseId} risolta al primo livello`).waitFor();
    const [stored] = await p.query<{ citizen: object }>('select citizen from cases where id = $1', [caseId]);
    expect(stored!.citizen).toEqual({ name: 'Ernesto Galli', address: 'Via Lulli 7\n20131 Milano MI' });

    // The workflow's answer is a letter: the dispatcher puts it in the print queue.
    await expect
      .poll(async () => (await p.query('select id from letters where case_id = $1', [caseId])).length, { timeout: 60_000, interval: 250 })
      .toBeGreaterThan(0);
    const [letter] = await p.query<{ id: string; message_id: number }>(
      'select id, message_id from letters where case_id = $1 order by created_at limit 1',
      [caseId],
    );

    // The back office: its menu has the print queue, the letter is there with its case and recipient.
    const office = await p.newPage();
    await logInAs(office, p.url, 'marco.colombo@comune.milano.example', 'Marco Colombo');
    await office.getByRole('menuitem', { name: 'Coda di stampa' }).click();
    await office.getByRole('heading', { name: 'Coda di stampa' }).waitFor();
    await office.getByRole('textbox', { name: 'Pratica' }).fill(caseId);
    const line = row(office, caseId).first();
    await line.getByText('Ernesto Galli').waitFor();
    await line.getByText('Da stampare').waitFor();
    await checkPage(office, 'console-print-queue');

    const download = office.waitForEvent('download');
    await line.getByRole('button', { name: 'Scarica il PDF' }).click();
    const file = path.join(dir, (await download).suggestedFilename());
    await (await download).saveAs(file);
    expect(path.basename(file)).toBe(`lettera-${caseId}.pdf`);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(caseId);
    expect(text).toContain('Ernesto Galli');
    expect(text).toContain('Via Lulli 7');
    expect(text).toContain('20131 Milano MI');

    // Marked posted after a confirmation: it leaves the queue, its message is delivered, audited.
    await line.getByRole('button', { name: 'Segna come spedita' }).click();
    const dialog = office.getByRole('dialog', { name: new RegExp(`La lettera della pratica ${caseId} a Ernesto Galli`) });
    await checkPage(office, 'console-print-queue-confirm');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await office.getByText('Lettera segnata come spedita').waitFor();
    const [posted] = await p.query<{ status: string; posted_by: string }>('select status, posted_by from letters where id = $1', [
      letter!.id,
    ]);
    expect(posted!.status).toBe('posted');
    const [message] = await p.query<{ status: string }>('select status from outbound_messages where id = $1', [letter!.message_id]);
    expect(message!.status).toBe('delivered');
    const audit = await p.query<{ action: string }>("select action from audit_log where target_id = $1 and action = 'letter.posted'", [
      letter!.id,
    ]);
    expect(audit).toHaveLength(1);
    // Posted letters by the filter.
    await office.getByRole('combobox', { name: 'Stato' }).click();
    await office.getByRole('option', { name: 'Spedita' }).click();
    await row(office, caseId).getByText('Spedita', { exact: true }).first().waitFor();
  });

  it('is in the menu of the back office, supervisors and administrators only', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'giulia.rossi@020202.example', 'Giulia Rossi');
    await page.getByRole('menuitem', { name: 'Pratiche', exact: true }).waitFor();
    expect(await page.getByRole('menuitem', { name: 'Coda di stampa' }).count()).toBe(0);
  });
});

describe("the demo's SMS catcher", () => {
  it('shows the SMS the platform sends on the page the banner names, and the message becomes delivered', async () => {
    const banner = p.output().match(/SMS {11}shown at (http:\/\/127\.0\.0\.1:\d+\/) \(local SMS catcher: nothing leaves this machine\)/);
    expect(banner, p.output()).not.toBeNull();
    const catcher = banner![1]!;

    const operator = await p.api('giulia.rossi@020202.example');
    const res = await operator('/api/cases', {
      method: 'POST',
      headers: { 'idempotency-key': 'sms-catcher-e2e-1' },
      body: JSON.stringify({
        municipalityId: 'milano',
        serviceCode: 'general-information',
        channel: 'phone',
        subject: 'Orari biblioteca',
        citizen: { name: 'Nadia Fontana', phone: '+393405557788' },
        details: { topic: 'biblioteche' },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id: caseId } = (await res.json()) as { id: string };
    const resolved = await operator(`/api/cases/${caseId}/resolve`, { method: 'POST', body: JSON.stringify({ outcome: 'resolved' }) });
    expect(resolved.status, await resolved.clone().text()).toBe(200);

    type Caught = { id: string; to: string; text: string; report: string };
    const ofCase = async () =>
      ((await (await fetch(`${catcher}messages.json`)).json()) as Caught[]).filter(
        (m) => m.to === '+393405557788' && m.text.includes(caseId),
      );
    await expect.poll(async () => (await ofCase()).length, { timeout: 60_000, interval: 250 }).toBeGreaterThan(0);
    const [sms] = await ofCase();
    await expect
      .poll(
        async () =>
          (await p.query<{ status: string }>('select status from outbound_messages where provider_message_id = $1', [sms!.id]))[0]?.status,
        { timeout: 30_000, interval: 250 },
      )
      .toBe('delivered');
    const html = await (await fetch(catcher)).text();
    expect(html).toContain('+393405557788');
    expect(html).toContain(caseId);
  });
});
