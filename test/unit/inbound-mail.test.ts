import { describe, expect, it } from 'vitest';
import { caseOfMessageId, caseRefsOf, ourMessageIdsIn } from '../../notifications/mail-ids.ts';
import { classify, withoutQuote } from '../../notifications/inbound-mail/classify.ts';
import { htmlToText } from '../../notifications/inbound-mail/html-text.ts';

const domain = 'comune.test';
const ctx = { domain, ownAddresses: ['sportello@comune.test'] };
const mail = (headers: string[], body = 'Testo.') => Buffer.from([...headers, '', body, ''].join('\r\n'));

describe('case references', () => {
  it('reads our message and thread ids on our domain only', () => {
    expect(caseOfMessageId('<msg-42.C-2026-000042@comune.test>', domain)).toBe('C-2026-000042');
    expect(caseOfMessageId('<case-C-2026-000042@COMUNE.TEST>', domain)).toBe('C-2026-000042');
    expect(caseOfMessageId('<msg-42.C-2026-000042@altro.test>', domain)).toBeNull();
    expect(caseOfMessageId('<abc@comune.test>', domain)).toBeNull();
  });

  it('puts In-Reply-To first, then References newest first, then the subject', () => {
    expect(
      caseRefsOf(
        {
          subject: 'Re: Richiesta c-2026-000003: buca',
          inReplyTo: '<msg-9.C-2026-000001@comune.test>',
          references: '<case-C-2026-000002@comune.test> <x@y> <msg-8.C-2026-000001@comune.test>',
        },
        domain,
      ),
    ).toEqual(['C-2026-000001', 'C-2026-000002', 'C-2026-000003']);
    expect(caseRefsOf({ subject: 'Nessun numero' }, domain)).toEqual([]);
  });

  it('finds our message ids in a returned message', () => {
    expect(ourMessageIdsIn('Message-ID: <msg-7.C-2026-000010@comune.test>\nIn-Reply-To: <case-C-2026-000010@comune.test>', domain)).toEqual(
      ['<msg-7.C-2026-000010@comune.test>'],
    );
  });
});

describe('classification', () => {
  it('a citizen message: its sender, subject, text without the quote, case references', async () => {
    const m = await classify(
      mail(
        ['From: Anna Verdi <anna@cittadini.example>', 'Subject: Re: C-2026-000005', 'Message-ID: <a1@cittadini.example>'],
        'Ecco il documento.\r\n\r\nOn Mon, 1 Dec 2026, Comune wrote:\r\n> Ci mandi il documento',
      ),
      ctx,
    );
    expect(m).toMatchObject({
      kind: 'message',
      messageId: '<a1@cittadini.example>',
      from: { address: 'anna@cittadini.example', name: 'Anna Verdi' },
      text: 'Ecco il documento.',
      caseRefs: ['C-2026-000005'],
    });
  });

  it.each([
    ['Auto-Submitted: auto-replied', 'automatic reply (auto-submitted: auto-replied)'],
    ['Precedence: list', 'automatic reply (precedence: list)'],
    ['X-Autorespond: yes', 'automatic reply (x-autorespond)'],
  ])('%s is ignored', async (header, reason) => {
    expect(await classify(mail(['From: a@b.example', 'Message-ID: <x@b>', header]), ctx)).toMatchObject({ kind: 'ignored', reason });
  });

  it('Auto-Submitted: no is a citizen message', async () => {
    expect((await classify(mail(['From: a@b.example', 'Auto-Submitted: no']), ctx)).kind).toBe('message');
  });

  it('loops and malformed mail', async () => {
    expect(await classify(mail(['From: sportello@comune.test']), ctx)).toMatchObject({
      kind: 'ignored',
      reason: 'loop: from our own address',
    });
    expect(await classify(mail(['From: a@b.example', 'Message-ID: <case-C-2026-000001@comune.test>']), ctx)).toMatchObject({
      kind: 'ignored',
      reason: 'loop: one of our own messages',
    });
    const noFrom = await classify(mail(['Subject: ?']), ctx);
    expect(noFrom).toMatchObject({ kind: 'rejected', reason: 'no From address' });
    expect(noFrom.messageId).toMatch(/^<sha256-[0-9a-f]{64}@no-message-id>$/);
  });

  it('a delayed delivery report is ignored; a failed one about no message of ours too', async () => {
    const report = (action: string, ref: string) =>
      mail(
        ['From: MAILER-DAEMON@mx.example', 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"'],
        `--b\r\nContent-Type: message/delivery-status\r\n\r\nAction: ${action}\r\nStatus: 4.4.1\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: ${ref}\r\n--b--`,
      );
    expect(await classify(report('delayed', '<msg-1.C-2026-000001@comune.test>'), ctx)).toMatchObject({
      kind: 'ignored',
      reason: 'delivery report: delayed',
    });
    expect(await classify(report('failed', '<other@x>'), ctx)).toMatchObject({ kind: 'ignored', reason: 'a bounce of no message of ours' });
    expect(await classify(report('failed', '<msg-1.C-2026-000001@comune.test>'), ctx)).toMatchObject({
      kind: 'bounce',
      ourMessageIds: ['<msg-1.C-2026-000001@comune.test>'],
      reason: 'bounced: 4.4.1',
    });
  });

  it('quotes and HTML', () => {
    expect(withoutQuote('Sì.\n\nIl giorno 1 dic 2026, Comune ha scritto:\n> domanda')).toBe('Sì.');
    expect(withoutQuote('> solo citazione')).toBe('> solo citazione');
    expect(htmlToText('<style>p{}</style><p>Via &amp; piazza</p><ul><li>uno</li></ul>riga<br>nuova &#233;')).toBe(
      'Via & piazza\n\n- uno\n\nriga\nnuova é',
    );
  });
});
