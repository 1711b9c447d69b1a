import type { ClaimedMessage } from '../../services/outbox.service.ts';

let n = 0;
/** A message as a dispatcher hands it to a channel's adapter: a Milan case's outcome, unless told otherwise. */
export const claimedMessage = (m: Partial<ClaimedMessage> & Pick<ClaimedMessage, 'channel' | 'recipient'>): ClaimedMessage => ({
  id: ++n,
  caseId: 'MI-2026-000123',
  municipalityId: 'milano',
  dedupKey: `${m.channel}-test:${n}`,
  event: 'case.resolved',
  language: 'it',
  subject: 'Richiesta MI-2026-000123: esito',
  body: 'Comune - la sua richiesta MI-2026-000123 è stata risolta.',
  attempts: 1,
  fallbackOf: null,
  ...m,
});

/** The error a promise rejects with, or null when it resolves. */
export const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (err: unknown) => err,
  );
