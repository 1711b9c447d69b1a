import { describe, expect, it } from 'vitest';
import { render, unknownPlaceholders } from '../../services/messages/render.ts';
import { type Message, messageEvents, placeholdersOf, wordings } from '../../services/messages/templates.ts';

const context = { caseId: 'C-2026-000042', language: 'it' as const };

describe('message templates', () => {
  it('words every event in Italian and English, naming the case', () => {
    const samples: Message[] = [
      { event: 'case.acknowledged', data: {} },
      { event: 'case.resolved', data: { outcome: 'resolved' } },
      { event: 'citizen.reminded', data: {} },
      { event: 'information.requested', data: { question: 'il numero della bolletta' } },
      { event: 'survey.sent', data: { questions: ['Quanto è soddisfatto?'] } },
      { event: 'citizen.text', data: { text: 'testo' } },
      { event: 'task.reminded', data: { dueAt: '03/12/2026 12:00' } },
      { event: 'sla.warning', data: { dueAt: '03/12/2026 12:00' } },
      { event: 'sla.breached', data: { action: 'escalate-to-supervisors' } },
      { event: 'citizen.solicited', data: { count: 2 } },
      { event: 'information.received', data: {} },
      { event: 'office.text', data: { text: 'testo' } },
    ];
    expect(samples.map((m) => m.event).sort()).toEqual([...messageEvents].sort());
    for (const m of samples) {
      const it = render(m, context);
      const en = render(m, { ...context, language: 'en' });
      for (const words of [it, en]) {
        expect(words.body).toContain('C-2026-000042');
        expect(words.subject).toContain('C-2026-000042');
        expect(words.body).not.toMatch(/\{[A-Za-z]+\}/);
      }
      expect(en.body).not.toBe(it.body);
    }
    expect(render({ event: 'information.requested', data: { question: 'il numero della bolletta' } }, context).body).toBe(
      'Comune - richiesta C-2026-000042: per procedere ci serve: il numero della bolletta.',
    );
    expect(render({ event: 'case.acknowledged', data: {} }, { ...context, pageUrl: 'https://sportello.example/c/abc' }).body).toBe(
      'Comune - abbiamo ricevuto la sua richiesta C-2026-000042. Conservi questo numero: la terremo informata.\nSegua la richiesta: https://sportello.example/c/abc',
    );
    expect(render({ event: 'case.resolved', data: { outcome: null } }, { ...context, language: 'en' }).body).toBe(
      'Municipality - your request C-2026-000042 has been updated.',
    );
    expect(render({ event: 'sla.breached', data: { action: 'transfer-to-third-level', from: 'mi-tributi' } }, context).body).toBe(
      "Pratica C-2026-000042: pratica scaduta: trasferita dall'ufficio mi-tributi",
    );
  });

  it('lists the placeholders of each event from its data, with the page link for citizens only', () => {
    expect(placeholdersOf('case.resolved')).toEqual(['caseId', 'outcome', 'pageUrl']);
    expect(placeholdersOf('sla.breached')).toEqual(['caseId', 'action', 'from']);
    expect(placeholdersOf('citizen.solicited')).toEqual(['caseId', 'count']);
    for (const event of messageEvents) {
      for (const language of ['it', 'en'] as const) {
        expect(unknownPlaceholders(event, wordings[event].body[language])).toEqual([]);
        expect(wordings[event].subject[language]).toContain('{caseId}');
      }
    }
    expect(unknownPlaceholders('citizen.reminded', 'Pratica {caseId} {outcome} {pageUrl} {caseId} {x}')).toEqual(['outcome', 'x']);
  });

  it("uses a municipality's own wording where it has one, the default elsewhere, and always carries the page link", () => {
    const own = { 'citizen.reminded': { it: { subject: null, body: 'Comune di Milano - pratica {caseId}: ci stiamo lavorando.' } } };
    const reminded: Message = { event: 'citizen.reminded', data: {} };
    expect(render(reminded, context, own)).toEqual({
      subject: 'Richiesta C-2026-000042: stiamo lavorando',
      body: 'Comune di Milano - pratica C-2026-000042: ci stiamo lavorando.',
    });
    expect(render(reminded, { ...context, language: 'en' }, own).body).toBe(
      'Municipality - request C-2026-000042: we are working on your request.',
    );
    const pageUrl = 'https://sportello.example/c/abc';
    expect(render(reminded, { ...context, pageUrl }, own).body).toBe(
      `Comune di Milano - pratica C-2026-000042: ci stiamo lavorando.\nSegua la richiesta: ${pageUrl}`,
    );
    const placed = { 'citizen.reminded': { it: { subject: 'Milano {caseId}', body: 'Pagina: {pageUrl} - pratica {caseId}' } } };
    expect(render(reminded, { ...context, pageUrl }, placed)).toEqual({
      subject: 'Milano C-2026-000042',
      body: `Pagina: ${pageUrl} - pratica C-2026-000042`,
    });
    // A value is not read again as a template: a question that looks like a placeholder stays as written.
    const asked: Message = { event: 'information.requested', data: { question: '{caseId}' } };
    expect(render(asked, context).body).toBe('Comune - richiesta C-2026-000042: per procedere ci serve: {caseId}.');
  });
});
