import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { Config } from '../platform/config.ts';
import type { ClaimedMessage } from '../services/outbox.service.ts';
import { type ChannelAdapter, PermanentFailure, type Sent, TemporaryFailure } from './channel.ts';
import { caseThreadId, messageId } from './mail-ids.ts';

type EmailConfig = Pick<
  Config,
  | 'SMTP_REQUIRE_TLS'
  | 'SMTP_TLS_REJECT_UNAUTHORIZED'
  | 'SMTP_TLS_CA_PATH'
  | 'SMTP_POOL_CONNECTIONS'
  | 'MAIL_FROM'
  | 'MAIL_FROM_BY_MUNICIPALITY'
  | 'MAIL_DOMAIN'
> & { SMTP_URL: string };

/**
 * The e-mail channel: SMTP through a pooled nodemailer transport. Not idempotent: SMTP has no
 * idempotency key, so a crash between the server's 250 and our record sends the message once more —
 * with the same Message-ID, which lets the receiving side drop the copy.
 */
export function createEmailAdapter(config: EmailConfig): ChannelAdapter {
  const transport = nodemailer.createTransport({
    url: config.SMTP_URL,
    pool: true,
    maxConnections: config.SMTP_POOL_CONNECTIONS,
    requireTLS: config.SMTP_REQUIRE_TLS,
    tls: {
      rejectUnauthorized: config.SMTP_TLS_REJECT_UNAUTHORIZED,
      ...(config.SMTP_TLS_CA_PATH ? { ca: readFileSync(config.SMTP_TLS_CA_PATH) } : {}),
    },
  });

  return {
    channel: 'email',
    idempotent: false,
    async send(m: ClaimedMessage): Promise<Sent> {
      const id = messageId(m.id, m.caseId, config.MAIL_DOMAIN);
      const thread = m.caseId ? caseThreadId(m.caseId, config.MAIL_DOMAIN) : undefined;
      try {
        await transport.sendMail({
          from: (m.municipalityId && config.MAIL_FROM_BY_MUNICIPALITY[m.municipalityId]) || config.MAIL_FROM,
          to: m.recipient,
          subject: m.subject ?? m.caseId ?? 'Sportello',
          messageId: id,
          ...(thread ? { inReplyTo: thread, references: [thread] } : {}),
          headers: {
            // Automatic mail (RFC 3834): vacation responders must not answer it.
            'Auto-Submitted': 'auto-generated',
            'X-Auto-Response-Suppress': 'All',
            'Content-Language': m.language,
          },
          text: m.body,
          html: textToHtml(m.body, m.language),
        });
      } catch (err) {
        throw classify(err);
      }
      return { providerMessageId: id, status: 'sent' };
    },
    close: async () => transport.close(),
  };
}

/** SMTP's answer decides: 5xx will never work (fall back), 4xx and no answer at all (connection, timeout) may later. */
export function classify(err: unknown): PermanentFailure | TemporaryFailure {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const what = `${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message ?? String(err)}`.slice(0, 500);
  return e.responseCode && e.responseCode >= 500 && e.responseCode < 600 ? new PermanentFailure(what) : new TemporaryFailure(what);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The plain text as HTML: escaped, a paragraph per blank-line block, line breaks kept, links clickable. */
export function textToHtml(text: string, language: string): string {
  const paragraphs = text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => {
      const html = escapeHtml(p.trim())
        .replace(/\bhttps?:\/\/[^\s<]+[^\s<.,;:!?)]/g, (url) => `<a href="${url}">${url}</a>`)
        .replace(/\n/g, '<br>\n');
      return `<p>${html}</p>`;
    });
  return `<!doctype html>\n<html lang="${escapeHtml(language)}"><head><meta charset="utf-8"></head>\n<body>\n${paragraphs.join('\n')}\n</body></html>\n`;
}
