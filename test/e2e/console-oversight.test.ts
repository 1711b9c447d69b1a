import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantOfRomeInput, romeInputOf } from '../../admin-ui/src/common/time.ts';
import { demoDefinitions } from '../../catalog/definitions.ts';
import { nextOpen } from '../../domain/calendar.ts';
import { callbackWindow } from '../../workflows/callback.ts';
import { checkPage, type ConsolePlatform, logInAs, row, settled, startConsolePlatform, taxRefundsAtTheOffice } from '../helpers/console.ts';

let p: ConsolePlatform;
const tasks: string[] = [];
let infoCase: string;

/**
 * Three TARI refunds at the tax office (the demo one and two more), two of them past their due
 * time and escalated, and two calls on Milan's line.
 */
beforeAll(async () => {
  p = await startConsolePlatform();
  tasks.push(...(await taxRefundsAtTheOffice(p)));
  // 120 business hours do not pass in a test: the tasks' projection is set as the SLA timer would leave it.
  await p.query("update tasks set sla_state = 'breached', escalated = true where case_id = any($1)", [tasks.slice(0, 2)]);
  await p.query("update tasks set sla_state = 'warning' where case_id = $1", [tasks[2]]);
  await p.query(`insert into calls (id, direction, caller, called, municipality_id, state, end_cause, wait_seconds, started_at, connected_at, ended_at, last_seq) values
    ('call-1', 'inbound', '+393331234567', '020202', 'milano', 'ended', 'normal', 12, now() - interval '20 minutes', now() - interval '19 minutes', now() - interval '15 minutes', 4),
    ('call-2', 'inbound', '+393407654321', '020202', 'milano', 'ended', 'abandoned', 95, now() - interval '10 minutes', null, now() - interval '8 minutes', 3)`);
  infoCase = (await p.query<{ id: string }>("select id from cases where subject = 'Orari dell’anagrafe di via Larga'"))[0]!.id;
});
afterAll(async () => {
  await p?.stop();
});

const confirm = (page: Page, title: RegExp) => page.getByRole('dialog', { name: title }).getByRole('button', { name: 'Conferma' }).click();

describe.sequential('supervision and audit in the console', () => {
  it('lets the operator add a note, schedule a callback in Rome time (refusals shown) and record a withdrawal on the case page', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'giulia.rossi@020202.example', 'Giulia Rossi');
    await page.goto(p.url(`/admin/#/cases/${infoCase}/show`));

    await page.getByRole('button', { name: 'Aggiungi una nota' }).click();
    await page
      .getByRole('dialog', { name: /Nota sulla pratica/ })
      .getByRole('textbox', { name: /Nota/ })
      .fill('La cittadina richiama dopo le 17');
    await confirm(page, /Nota sulla pratica/);
    await page.getByText('Nota aggiunta alla cronologia').waitFor();
    await page.getByRole('cell', { name: 'note.added' }).waitFor();

    // Tomorrow at 22:00 is outside the service's window (Mon–Sat 9–19): the workflow says so.
    const tomorrow = romeInputOf(new Date(Date.now() + 86_400_000).toISOString()).slice(0, 10);
    await page.getByRole('button', { name: 'Programma una richiamata' }).click();
    const dialog = page.getByRole('dialog', { name: /Richiama il cittadino/ });
    await dialog.getByLabel(/Quando/).fill(`${tomorrow}T22:00`);
    await dialog.getByText('Ora di Roma, nella fascia di richiamata del servizio').waitFor();
    await checkPage(page, 'console-schedule-callback');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText(/is outside the callback window: mon, tue, wed, thu, fri, sat 09:00-19:00/).waitFor();

    const policy = demoDefinitions.find((d) => d.service.code === 'general-information')!.callback;
    const at = new Date(nextOpen(callbackWindow(policy), Date.parse(instantOfRomeInput(`${tomorrow}T10:00`)!))).toISOString();
    await dialog.getByLabel(/Quando/).fill(romeInputOf(at));
    await dialog.getByRole('textbox', { name: 'Nota' }).fill('Preferisce il mattino');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('Richiamata programmata').waitFor();
    await page.getByRole('cell', { name: 'callback.scheduled' }).waitFor();

    await page.getByRole('button', { name: 'Ritirata' }).click();
    await page
      .getByRole('dialog', { name: /Il cittadino ritira la pratica/ })
      .getByRole('textbox', { name: 'Nota' })
      .fill('Ha trovato gli orari sul sito');
    await confirm(page, /Il cittadino ritira la pratica/);
    await page.getByText('Pratica ritirata').waitFor();
    await page.getByRole('cell', { name: 'case.withdrawn' }).waitFor();
    expect(await page.getByRole('button', { name: 'Programma una richiamata' }).count()).toBe(0);
    await checkPage(page, 'console-case-withdrawn');

    expect(await p.query('select status, outcome from cases where id = $1', [infoCase])).toEqual([
      { status: 'resolved', outcome: 'withdrawn' },
    ]);
    expect(
      await p.query(
        "select type, actor, data from case_events where case_id = $1 and type in ('note.added', 'callback.scheduled', 'case.withdrawn') order by seq",
        [infoCase],
      ),
    ).toEqual([
      { type: 'note.added', actor: 'giulia.operatrice', data: { text: 'La cittadina richiama dopo le 17' } },
      { type: 'callback.scheduled', actor: 'giulia.operatrice', data: { at, note: 'Preferisce il mattino' } },
      { type: 'case.withdrawn', actor: 'giulia.operatrice', data: { note: 'Ha trovato gli orari sul sito' } },
    ]);
    await page.close();
  }, 180_000);

  it('shows the supervisor live queues by office, breaches and escalations; reassigns one and several', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'paolo.greco@020202.example', 'Paolo Greco');
    await page.getByRole('region', { name: 'Escalation da gestire' }).getByText('2', { exact: true }).waitFor();

    await page.getByRole('menuitem', { name: 'Code in tempo reale' }).click();
    const queues = page.getByRole('table', { name: 'Code degli uffici in tempo reale' });
    const tributi = queues.getByRole('row').filter({ hasText: 'Area Tributi' });
    await tributi.getByRole('link', { name: 'Area Tributi: Da prendere 3' }).waitFor();
    await tributi.getByRole('link', { name: 'Area Tributi: Scadute 2' }).waitFor();
    await tributi.getByRole('link', { name: 'Area Tributi: In scadenza 1' }).waitFor();
    await page.getByText(/si aggiorna ogni 15 secondi/).waitFor();
    const escalations = page.getByRole('region', { name: 'Escalation da gestire' });
    await row(page, tasks[0]!).getByText('In escalation').waitFor();
    expect(
      await escalations
        .getByRole('row')
        .filter({ hasText: /C-\d{4}-\d{6}/ })
        .count(),
    ).toBe(2);
    await checkPage(page, 'console-live-queues');

    // Polled: a case transferred elsewhere meanwhile shows up without a reload.
    const operator = await p.api('giulia.rossi@020202.example');
    const [pothole] = await p.query<{ id: string }>("select id from cases where subject = 'Buca in via Padova 120'");
    expect((await operator(`/api/cases/${pothole!.id}/transfer`, { method: 'POST', body: '{}' })).status).toBe(200);
    await queues.getByRole('link', { name: 'Manutenzione Strade: Da prendere 1' }).waitFor({ timeout: 25_000 });

    // An escalation handled: handed to the registry office.
    await settled(page);
    await row(page, tasks[0]!).getByRole('button', { name: 'Passa ad altro ufficio' }).click();
    let dialog = page.getByRole('dialog', { name: /Passa a un altro ufficio/ });
    await dialog.getByRole('combobox', { name: /Ufficio/ }).click();
    await page.getByRole('option', { name: 'Servizi Civici - Anagrafe' }).click();
    await dialog.getByRole('textbox', { name: /Motivo/ }).fill('Competenza dell’anagrafe');
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('Pratica passata all’ufficio').waitFor();
    expect(await p.query('select office_id from tasks where case_id = $1', [tasks[0]])).toEqual([{ office_id: 'mi-anagrafe' }]);

    // The tax office's breaches, from its count; then the whole queue and a bulk reassign.
    await tributi.getByRole('link', { name: /Area Tributi: Scadute/ }).click();
    await row(page, tasks[1]!)
      .getByText(/^Scaduta/)
      .waitFor();
    await settled(page);
    expect(await page.getByRole('row').filter({ hasText: tasks[2]! }).count()).toBe(0);
    // A search worth keeping: saved under a name, listed beside the queue.
    await page.getByRole('button', { name: 'Salva la ricerca attuale...' }).click();
    await page.getByRole('dialog').getByRole('textbox').fill('Tributi scadute');
    await page.getByRole('dialog').getByRole('button', { name: /salva/i }).click();
    await page.getByRole('complementary', { name: 'Ricerche salvate' }).getByRole('button', { name: 'Tributi scadute' }).waitFor();
    await checkPage(page, 'console-breaches');

    await page.goto(p.url(`/admin/#/tasks?filter=${encodeURIComponent('{"officeId":"mi-tributi"}')}`));
    await row(page, tasks[2]!).waitFor();
    await settled(page);
    for (const id of tasks.slice(1)) await row(page, id).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Riassegna' }).click();
    dialog = page.getByRole('dialog', { name: 'Riassegna 2 pratiche a un altro ufficio' });
    await dialog.getByRole('combobox', { name: /Ufficio/ }).click();
    await page.getByRole('option', { name: 'Ufficio Relazioni con il Pubblico' }).click();
    await dialog.getByRole('button', { name: 'Conferma' }).click();
    await page.getByText('2 riassegnate').waitFor();
    expect(await p.query('select case_id, office_id from tasks where case_id = any($1) order by case_id', [tasks.slice(1)])).toEqual(
      tasks.slice(1).map((id) => ({ case_id: id, office_id: 'mi-urp' })),
    );

    await page.getByRole('menuitem', { name: 'Chiamate' }).click();
    await row(page, '+393407654321').getByText('Abbandonata').waitFor();
    await row(page, '+393331234567').getByText('Conclusa').waitFor();
    await checkPage(page, 'console-calls');
    await page.close();
  }, 240_000);

  it('gives the auditor a case timeline beside its workflow, the audit log by case and actor, chain verification and an export', async () => {
    const page = await p.newPage();
    await logInAs(page, p.url, 'anna.marino@comune.milano.example', 'Anna Marino');
    // Calls are part of the contact history the auditor traces.
    await page.getByRole('menuitem', { name: 'Chiamate' }).click();
    await row(page, '+393407654321').getByText('Abbandonata').waitFor();
    await page.goto(p.url(`/admin/#/cases/${infoCase}/show`));
    const withdrawn = row(page, 'case.withdrawn');
    await withdrawn.waitFor();
    // Who, when (Rome), stage and definition version, for every event.
    const [event] = await p.query<{ at: Date }>("select at from case_events where case_id = $1 and type = 'case.withdrawn'", [infoCase]);
    const rome = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', dateStyle: 'short', timeStyle: 'short' }).format(event!.at);
    expect(await withdrawn.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining([rome, 'giulia.operatrice', '1']));
    expect(await page.getByRole('button', { name: 'Aggiungi una nota' }).count()).toBe(0);
    const panel = page.getByRole('complementary', { name: 'Workflow e audit' });
    expect(await panel.getByRole('link', { name: 'Apri il workflow in Temporal UI' }).getAttribute('href')).toBe(
      `http://127.0.0.1:${p.ports.temporalUi}/namespaces/default/workflows/${infoCase}`,
    );
    await checkPage(page, 'console-auditor-case');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Esporta la storia (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${infoCase}.json`);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      case: { id: string; events: unknown[] };
      audit: { action: string }[];
    };
    const audited = await p.query<{ action: string }>(
      "select action from audit_log where target_type = 'case' and target_id = $1 order by at, id",
      [infoCase],
    );
    expect(exported.case.id).toBe(infoCase);
    expect(exported.case.events.length).toBeGreaterThanOrEqual(4);
    expect(exported.audit.map((a) => a.action)).toEqual(audited.map((a) => a.action));
    expect(audited.map((a) => a.action)).toEqual(expect.arrayContaining(['note.added', 'callback.scheduled', 'case.withdrawn']));

    // The audit log of this case, then of one actor.
    await panel.getByRole('link', { name: 'Registro di audit di questa pratica' }).click();
    await page.getByRole('columnheader', { name: 'Azione' }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: infoCase }).count()).toBe(audited.length);
    await page.getByRole('textbox', { name: 'Su' }).fill('');
    await page.getByRole('textbox', { name: 'Chi' }).fill('paolo.supervisore');
    await expect
      .poll(async () => new Set(await page.getByRole('row').locator('td:nth-child(2)').allTextContents()))
      .toEqual(new Set(['paolo.supervisore']));

    await page.getByRole('button', { name: 'Verifica le catene' }).click();
    await page.getByText(/^Catene integre: \d+ registrazioni in \d+ catene\.$/).waitFor();
    await checkPage(page, 'console-audit-log');

    // Someone with the database's superuser rewrites history: the first broken link is named.
    const [victim] = await p.query<{ seq: number }>("select seq from audit_log where chain = 'milano' order by seq limit 1 offset 2");
    await p.query(`alter table audit_log disable trigger audit_log_append_only;
      update audit_log set actor = 'someone.else' where chain = 'milano' and seq = ${victim!.seq};
      alter table audit_log enable trigger audit_log_append_only`);
    await page.getByRole('button', { name: 'Verifica le catene' }).click();
    await page
      .getByText(new RegExp(`^Catena interrotta: primo anello rotto nella catena milano alla registrazione ${victim!.seq} `))
      .waitFor();
    await page.close();
  }, 180_000);
  it('shows a supervisor the undelivered messages with the reason, and sends one again', async () => {
    await p.query(
      `insert into outbound_messages (case_id, municipality_id, dedup_key, channel, recipient, subject, body, status, attempts, last_error, failed_at)
      values ($1, 'milano', 'e2e:undelivered', 'email', 'casella.piena@example.org', $2, 'La richiesta è risolta.', 'failed', 1, 'EENVELOPE 550: mailbox full', now())`,
      [infoCase, `Richiesta ${infoCase}: esito`],
    );
    const page = await p.newPage();
    await logInAs(page, p.url, 'paolo.greco@020202.example', 'Paolo Greco');
    await page.getByRole('menuitem', { name: 'Messaggi non recapitati' }).click();
    const failed = row(page, 'casella.piena@example.org');
    await failed.getByText('EENVELOPE 550: mailbox full').waitFor();
    await failed.getByRole('link', { name: infoCase }).waitFor();
    await checkPage(page, 'console-undelivered-messages');
    await failed.getByRole('button', { name: 'Invia di nuovo' }).click();
    await page.getByText('Rimesso in coda: sarà inviato a breve').waitFor();
    await expect.poll(() => failed.count()).toBe(0);
    const [audited] = await p.query<{ actor: string }>("select actor from audit_log where action = 'message.retried'");
    expect(audited?.actor).toBe('paolo.supervisore');
    // The platform's notifications worker sends it again, to the run's local mail catcher.
    await expect
      .poll(
        async () =>
          (await p.query<{ status: string }>("select status from outbound_messages where dedup_key = 'e2e:undelivered'"))[0]?.status,
      )
      .toBe('sent');
    // The case page lists the case's messages with how far each got.
    await page.goto(p.url(`/admin/#/cases/${infoCase}/show`));
    await row(page, 'casella.piena@example.org').getByRole('cell', { name: 'Inviato' }).waitFor();
    await page.close();
  });

  it('shows a supervisor possible duplicate citizens, merges a pair and undoes the merge', async () => {
    await p.query(`insert into citizens (id, municipality_id, name, name_key, phones, emails, updated_at) values
      ('e2e-carla-1', 'milano', 'Carla Esposito', 'carla esposito', '{+393471110001}', '{}', now()),
      ('e2e-carla-2', 'milano', 'CARLA ESPOSITO', 'carla esposito', '{}', '{carla.esposito@example.org}', now())`);
    const page = await p.newPage();
    await logInAs(page, p.url, 'paolo.greco@020202.example', 'Paolo Greco');
    await page.getByRole('menuitem', { name: 'Possibili cittadini doppi' }).click();
    await page.getByRole('heading', { name: 'Possibili cittadini doppi', level: 1 }).waitFor();
    const pair = page.getByRole('listitem').filter({ hasText: 'carla.esposito@example.org' });
    await pair.getByText('stesso nome').waitFor();
    await checkPage(page, 'console-duplicate-citizens');
    await pair
      .getByRole('article', { name: 'Carla Esposito', exact: true })
      .getByRole('button', { name: 'Tieni questa e unisci l’altra' })
      .click();
    await page.getByText('Unite: Carla Esposito.', { exact: false }).waitFor();
    await expect.poll(() => pair.count()).toBe(0);
    const merged = await p.query<{ merged_into: string | null }>("select merged_into from citizens where id = 'e2e-carla-2'");
    expect(merged).toEqual([{ merged_into: 'e2e-carla-1' }]);
    await page.getByRole('button', { name: 'Annulla l’unione' }).click();
    await page.getByText('Unione annullata.').waitFor();
    await pair.getByText('stesso nome').waitFor();
    const [after] = await p.query<{ merged_into: string | null }>("select merged_into from citizens where id = 'e2e-carla-2'");
    expect(after).toEqual({ merged_into: null });
    const audited = await p.query<{ action: string }>("select action from audit_log where target_id = 'e2e-carla-1' order by id");
    expect(audited.map((a) => a.action)).toEqual(['citizen.merged', 'citizen.unmerged']);
    await page.close();
  });

  it('shows an administrator a case the database refused, and writes it with Riprova once the cause is gone', async () => {
    // Data the API lets through and the database refuses (here a constraint added for the test).
    await p.query("alter table cases add constraint e2e_refused check (subject <> 'Scrittura rifiutata') not valid");
    const operator = await p.api('giulia.rossi@020202.example');
    const intake = {
      municipalityId: 'milano',
      serviceCode: 'general-information',
      channel: 'phone',
      subject: 'Scrittura rifiutata',
      citizen: { phone: '+393401112299' },
      details: { topic: 'orari' },
    };
    expect((await operator('/api/cases', { method: 'POST', body: JSON.stringify(intake) })).status).toBe(503);
    await expect.poll(async () => (await p.query<{ case_id: string }>('select case_id from stuck_cases')).length).toBe(1);
    const [{ case_id: caseId }] = (await p.query<{ case_id: string }>('select case_id from stuck_cases')) as [{ case_id: string }];

    const page = await p.newPage();
    await logInAs(page, p.url, 'admin@sportello.example', 'Amministratore');
    await page.getByRole('menuitem', { name: 'Pratiche bloccate' }).click();
    const stuck = row(page, caseId);
    await stuck.getByText('Rifiutata dal database').waitFor();
    await stuck.getByRole('cell', { name: '23514' }).waitFor();
    await checkPage(page, 'console-stuck-cases');

    await p.query('alter table cases drop constraint e2e_refused');
    await stuck.getByRole('button', { name: 'Riprova' }).click();
    await page.getByText(/^Nuovo tentativo chiesto: la pratica sarà scritta/).waitFor();
    await expect
      .poll(async () => (await p.query<{ resolved_at: Date | null }>('select resolved_at from stuck_cases'))[0]?.resolved_at)
      .not.toBeNull();
    expect(await p.query<{ subject: string }>('select subject from cases where id = $1', [caseId])).toEqual([
      { subject: 'Scrittura rifiutata' },
    ]);
    const audited = await p.query<{ actor: string }>("select actor from audit_log where action = 'case.stuck-retried'");
    expect(audited.map((a) => a.actor)).toEqual(['admin']);
    // Resolved, it leaves the list of open ones.
    await page.reload();
    await page.getByRole('heading', { name: 'Pratiche bloccate' }).waitFor();
    await expect.poll(() => stuck.count()).toBe(0);
    await page.close();
  });
});
