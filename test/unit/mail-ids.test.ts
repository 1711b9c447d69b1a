import { describe, expect, it } from 'vitest';
import { caseOfMessageId, caseThreadId, messageId } from '../../notifications/mail-ids.ts';
import { textToHtml } from '../../notifications/email.ts';
import { redacted, retryDelaySeconds } from '../../notifications/dispatcher.ts';
import { citizenContacts, nextChannel } from '../../services/outbox.service.ts';

describe('mail ids', () => {
  it('names each message and each case thread, and the intake reads the case back from them', () => {
    expect(messageId(42, 'C-2026-000042', 'sportello.example')).toBe('<msg-42.C-2026-000042@sportello.example>');
    expect(caseThreadId('C-2026-000042', 'sportello.example')).toBe('<case-C-2026-000042@sportello.example>');
    expect(caseOfMessageId(messageId(42, 'C-2026-000042', 'sportello.example'), 'sportello.example')).toBe('C-2026-000042');
    expect(caseOfMessageId(caseThreadId('C-2026-000042', 'sportello.example'), 'sportello.example')).toBe('C-2026-000042');
    expect(caseOfMessageId(caseThreadId('C-2026-000042', 'sportello.example'), 'other.example')).toBeNull();
  });
});

describe('the HTML part', () => {
  it('escapes the text, keeps paragraphs and line breaks, and makes links clickable', () => {
    const html = textToHtml('Gentile <utente>,\nla pratica è pronta.\n\nSegua la richiesta: https://s.example/p/abc?x=1&y=2.', 'it');
    expect(html).toContain('<html lang="it">');
    expect(html).toContain('<p>Gentile &lt;utente&gt;,<br>\nla pratica è pronta.</p>');
    expect(html).toContain('<a href="https://s.example/p/abc?x=1&amp;y=2">https://s.example/p/abc?x=1&amp;y=2</a>.</p>');
  });
});

describe('retries and fallback', () => {
  const s = {
    NOTIFICATIONS_BATCH_SIZE: 10,
    NOTIFICATIONS_LEASE_SECONDS: 60,
    NOTIFICATIONS_POLL_MS: 1000,
    NOTIFICATIONS_MAX_ATTEMPTS: 8,
    NOTIFICATIONS_RETRY_BASE_SECONDS: 30,
    NOTIFICATIONS_RETRY_MAX_SECONDS: 3600,
  };
  it('backs off exponentially with jitter, capped, never sooner than the provider asked', () => {
    expect(retryDelaySeconds(1, s, undefined, () => 0)).toBe(15);
    expect(retryDelaySeconds(1, s, undefined, () => 1)).toBe(30);
    expect(retryDelaySeconds(3, s, undefined, () => 1)).toBe(120);
    expect(retryDelaySeconds(20, s, undefined, () => 1)).toBe(3600);
    expect(retryDelaySeconds(1, s, 600, () => 1)).toBe(600);
  });

  it('falls back e-mail → SMS → App IO → letter, over the contacts the citizen has, each channel once', () => {
    const contacts = citizenContacts({ email: 'a@example.org', phone: '+393401112233', fiscalCode: 'RSSMRA80A01F205X' });
    expect(nextChannel(contacts, ['email'])).toEqual({ channel: 'sms', recipient: '+393401112233' });
    expect(nextChannel(contacts, ['sms'])).toEqual({ channel: 'email', recipient: 'a@example.org' });
    expect(nextChannel(contacts, ['email', 'sms'])).toEqual({ channel: 'io', recipient: 'RSSMRA80A01F205X' });
    expect(nextChannel(contacts, ['email', 'sms', 'io'])).toBeNull();
  });

  it('keeps addresses and numbers out of the logged reason', () => {
    expect(redacted('EENVELOPE 550: <anna.verdi@example.org>: mailbox unavailable')).toBe(
      'EENVELOPE 550: <<address>>: mailbox unavailable',
    );
    expect(redacted('unknown number +39 340 111 2233')).toBe('unknown number <number>');
  });
});
