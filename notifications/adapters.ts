import type { Db } from '../db/connection.ts';
import type { MessageChannel } from '../db/database.ts';
import type { Config } from '../platform/config.ts';
import type { ChannelAdapter } from './channel.ts';
import { createAppIoAdapter } from './app-io.ts';
import { createEmailAdapter } from './email.ts';
import { createLetterAdapter } from './letter.ts';
import { createSmsAdapter } from './sms-gateway.ts';

/**
 * Which adapter sends each channel, as this deployment is configured. A factory answers with its
 * adapter, or with the reason the channel cannot be sent here; that channel's messages then stay
 * queued with the reason as their last error (never dropped) until a worker that can send them runs.
 * A new channel is one more line.
 */
const factories: Record<MessageChannel, (config: Config, db: Db) => ChannelAdapter | string> = {
  email: (c) => (c.SMTP_URL ? createEmailAdapter({ ...c, SMTP_URL: c.SMTP_URL }) : 'e-mail is not configured: set SMTP_URL to send it'),
  sms: (c) => (c.SMS_GATEWAY_URL ? createSmsAdapter(c) : 'SMS is not configured: set SMS_GATEWAY_URL to send it'),
  io: (c, db) =>
    Object.keys(c.APP_IO_API_KEYS).length ? createAppIoAdapter(c, db) : 'App IO is not configured: set APP_IO_API_KEYS to send it',
  // Letters need no provider: they go to the print queue the back office works from.
  letter: (_c, db) => createLetterAdapter(db),
};

export type Adapters = Partial<Record<MessageChannel, ChannelAdapter>>;

export function buildAdapters(config: Config, db: Db): { adapters: Adapters; unavailable: Partial<Record<MessageChannel, string>> } {
  const adapters: Adapters = {};
  const unavailable: Partial<Record<MessageChannel, string>> = {};
  for (const [channel, make] of Object.entries(factories) as [MessageChannel, (c: Config, db: Db) => ChannelAdapter | string][]) {
    const made = make(config, db);
    if (typeof made === 'string') unavailable[channel] = made;
    else adapters[channel] = made;
  }
  return { adapters, unavailable };
}
