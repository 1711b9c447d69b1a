import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type ConsolePlatform, logInAs, startConsolePlatform } from '../helpers/console.ts';

let p: ConsolePlatform;
let caseId: string;
const pdf = Buffer.from('%PDF-1.4\n% ricevuta\n');

/** A demo case with two files the citizen sent (as the mail intake stores them). */
beforeAll(async () => {
  p = await startConsolePlatform();
  caseId = (await p.query<{ id: string }>("select id from cases where subject = 'Orari dell’anagrafe di via Larga'"))[0]!.id;
  await p.query(
    `insert into attachments (id, case_id, municipality_id, source, file_name, content_type, size, sha256, content) values
      (gen_random_uuid(), $1, 'milano', 'email', 'ricevuta.pdf', 'application/pdf', $3, 'x', $2),
      (gen_random_uuid(), $1, 'milano', 'citizen-page', 'foto.png', 'image/png', 3, 'y', 'png'::bytea)`,
    [caseId, pdf, pdf.length],
  );
});
afterAll(async () => {
  await p?.stop();
});

describe('files from the citizen in the console', () => {
  it('the case page lists them, each a download link', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'giulia.rossi@020202.example', 'Giulia Rossi');
    await page.goto(p.url(`/admin/#/cases/${caseId}/show`));
    const files = page.getByRole('region', { name: 'Allegati del cittadino' });
    const link = files.getByRole('link', { name: `Scarica ricevuta.pdf (${pdf.length} B, da e-mail)` });
    await link.waitFor();
    await files.getByRole('link', { name: 'Scarica foto.png (3 B, da pagina del cittadino)' }).waitFor();
    await checkPage(page, 'console-case-attachments');

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('ricevuta.pdf');
  });
});
