import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../../services/messages/render.ts';
import { defaultTemplates, type Message, municipalTemplates } from '../../services/messages/templates.ts';

const context = { caseId: 'C-2026-000042', language: 'it' as const, municipalityId: 'milano' };

describe('message templates', () => {
  afterEach(() => {
    delete municipalTemplates.milano;
  });

  it('words every event in Italian and English, naming the case', () => {
    const samples: Message[] = [
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
    expect(samples.map((m) => m.event).sort()).toEqual(Object.keys(defaultTemplates).sort());
    for (const m of samples) {
      const it = render(m, context);
      const en = render(m, { ...context, language: 'en' });
      expect(it).toContain('C-2026-000042');
      expect(en).toContain('C-2026-000042');
      expect(en).not.toBe(it);
    }
    expect(render({ event: 'information.requested', data: { question: 'il numero della bolletta' } }, context)).toBe(
      'Comune - richiesta C-2026-000042: per procedere ci serve: il numero della bolletta.',
    );
    expect(render({ event: 'case.resolved', data: { outcome: null } }, { ...context, language: 'en' })).toBe(
      'Municipality - your request C-2026-000042 has been updated.',
    );
  });

  it("uses a municipality's own wording where it has one, the default elsewhere", () => {
    municipalTemplates.milano = { 'citizen.reminded': { it: (_, caseId) => `Comune di Milano - pratica ${caseId}: ci stiamo lavorando.` } };
    expect(render({ event: 'citizen.reminded', data: {} }, context)).toBe('Comune di Milano - pratica C-2026-000042: ci stiamo lavorando.');
    expect(render({ event: 'citizen.reminded', data: {} }, { ...context, language: 'en' })).toBe(
      'Municipality - request C-2026-000042: we are working on your request.',
    );
    expect(render({ event: 'citizen.reminded', data: {} }, { ...context, municipalityId: 'firenze' })).toBe(
      'Comune - richiesta C-2026-000042: stiamo lavorando alla sua richiesta.',
    );
  });
});
