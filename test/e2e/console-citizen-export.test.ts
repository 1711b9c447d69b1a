import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type ConsolePlatform, logInAs, startConsolePlatform } from '../helpers/console.ts';

/**
 * The citizen's right of access in the console: on a case's page the auditor downloads everything
 * held about its citizen, as JSON and as a PDF; an operator is not offered it.
 */
let p: ConsolePlatform;
let caseId: string;
let citizenId: string;
beforeAll(async () => {
  p = await startConsolePlatform();
  const [demo] = await p.query<{ id: string; citizen_id: string }>(
    'select id, citizen_id from cases where citizen_id is not null order by created_at, id limit 1',
  );
  ({ id: caseId, citizen_id: citizenId } = demo!);
});
afterAll(async () => {
  await p?.stop();
});

describe("the citizen's data, downloaded from the case page", () => {
  it('gives the auditor both downloads, each audited; the operator sees neither button', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'anna.marino@comune.milano.example', 'Anna Marino');
    await page.goto(p.url(`/admin/#/cases/${caseId}/show`));
    const group = page.getByRole('group', { name: 'Dati del cittadino (diritto di accesso)' });
    await group.waitFor();
    await checkPage(page, 'console-citizen-export');

    const [pdf] = await Promise.all([page.waitForEvent('download'), group.getByRole('button', { name: 'Scarica i dati (PDF)' }).click()]);
    expect(pdf.suggestedFilename()).toBe(`cittadino-${citizenId}.pdf`);
    const text = execFileSync('pdftotext', ['-layout', (await pdf.path())!, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Comune di Milano');
    expect(text).toContain('Accesso ai dati personali');
    expect(text).toContain(`Richiesta n. ${caseId}`);

    const [json] = await Promise.all([page.waitForEvent('download'), group.getByRole('button', { name: 'Scarica i dati (JSON)' }).click()]);
    expect(json.suggestedFilename()).toBe(`cittadino-${citizenId}.json`);
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { citizen: { id: string }; cases: { id: string }[] };
    expect(exported.citizen.id).toBe(citizenId);
    expect(exported.cases.map((c) => c.id)).toContain(caseId);

    const audited = await p.query<{ actor: string }>(
      "select actor from audit_log where action = 'citizen.exported' and target_id = $1 order by id",
      [citizenId],
    );
    expect(audited.map((a) => a.actor)).toEqual(['anna.revisora', 'anna.revisora']);
    await page.close();

    const operator = await p.newPage();
    await logInAs(operator, p.url, 'giulia.rossi@020202.example', 'Giulia Rossi');
    await operator.goto(p.url(`/admin/#/cases/${caseId}/show`));
    await operator.getByRole('button', { name: 'Aggiungi una nota' }).waitFor();
    expect(await operator.getByRole('button', { name: /Scarica i dati/ }).count()).toBe(0);
    await operator.close();
  }, 240_000);
});
